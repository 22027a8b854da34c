package dev.bpflab.compiler;

import dev.bpflab.compiler.BpfElf.MalformedObjectException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Optional;

/**
 * Which source line an instruction of a BPF object came from, from the line info clang writes with {@code -g} in
 * {@code .BTF.ext} (the same table the verifier uses to put its complaints on lines). In an object file each record
 * gives a section (by name, in {@code .BTF}'s strings), an instruction's byte offset in it, a file name and a line
 * and column; an instruction belongs to the last record at or before it. Bounded like {@link BpfElf}: every offset
 * is checked before it is read.
 */
final class BtfLines {
    private static final int BTF_MAGIC = 0xeb9f;
    private static final int MIN_RECORD_BYTES = 16;

    /** Where an instruction came from: {@code file} as the object names it, 1-based {@code line}, {@code column}. */
    record Line(String file, int line, int column) {
    }

    private final ByteBuffer strings;
    private final ByteBuffer lineInfo;

    private BtfLines(ByteBuffer strings, ByteBuffer lineInfo) {
        this.strings = strings;
        this.lineInfo = lineInfo;
    }

    /** The object's line info; empty when it has none (built without {@code -g}) or it cannot be read. */
    static Optional<BtfLines> of(BpfElf elf) {
        try {
            Optional<BpfElf.Section> btf = elf.named(".BTF");
            Optional<BpfElf.Section> ext = elf.named(".BTF.ext");
            if (btf.isEmpty() || ext.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new BtfLines(strings(elf.contents(btf.get())), lineInfo(elf.contents(ext.get()))));
        } catch (MalformedObjectException e) {
            return Optional.empty(); // lines are a courtesy: the refusal stands without them
        }
    }

    /**
     * Whether the object calls kernel functions or reads kernel variables by name ({@code __ksym} externs, kfuncs such
     * as {@code bpf_iter_num_new} behind {@code bpf_for}): clang puts them in a BTF DATASEC named {@code .ksyms}, and
     * libbpf resolves them against the kernel's whole BTF when it loads.
     */
    static boolean hasKernelSymbols(BpfElf elf) {
        return names(elf).contains(".ksyms");
    }

    /**
     * The externs of the object that its BTF does not name, which libbpf then refuses at open ("failed to find BTF for
     * extern"): clang 19 leaves a function used only in a {@code cleanup} attribute ({@code bpf_iter_num_destroy} of
     * {@code bpf_for}) out of the BTF when its declaration came from a precompiled header.
     */
    static List<String> externsWithoutBtf(BpfElf elf) {
        try {
            List<String> externs = elf.externs();
            if (externs.isEmpty()) {
                return List.of();
            }
            Set<String> named = names(elf);
            return named.isEmpty() ? List.of() : externs.stream().filter(name -> !named.contains(name)).toList();
        } catch (MalformedObjectException e) {
            return List.of();
        }
    }

    /** Every name in {@code .BTF}'s string section (types, functions, variables, DATASECs); none when there is none. */
    private static Set<String> names(BpfElf elf) {
        try {
            Optional<BpfElf.Section> btf = elf.named(".BTF");
            if (btf.isEmpty()) {
                return Set.of();
            }
            ByteBuffer strings = strings(elf.contents(btf.get()));
            byte[] table = new byte[strings.remaining()];
            strings.duplicate().get(table);
            return new HashSet<>(Arrays.asList(new String(table, StandardCharsets.UTF_8).split("\0")));
        } catch (MalformedObjectException e) {
            return Set.of();
        }
    }

    /** {@code .BTF}'s string section. Header: magic, version, flags, hdr_len, type_off, type_len, str_off, str_len. */
    private static ByteBuffer strings(ByteBuffer btf) throws MalformedObjectException {
        return partAfterHeader(btf, ".BTF", "strings");
    }

    /**
     * {@code .BTF.ext}'s line info. Header: magic, version, flags, hdr_len, func_info_off, func_info_len,
     * line_info_off, line_info_len (offsets from the end of the header).
     */
    private static ByteBuffer lineInfo(ByteBuffer ext) throws MalformedObjectException {
        return partAfterHeader(ext, ".BTF.ext", "line info");
    }

    /**
     * The part both headers place at bytes 16 (its offset from the header's end) and 20 (its length): {@code .BTF}'s
     * strings, {@code .BTF.ext}'s line info. Both headers start with the same magic and the header's length at byte 4.
     */
    private static ByteBuffer partAfterHeader(ByteBuffer section, String name, String part)
            throws MalformedObjectException {
        section.order(ByteOrder.LITTLE_ENDIAN);
        if (section.limit() < 24 || Short.toUnsignedInt(section.getShort(0)) != BTF_MAGIC) {
            throw new MalformedObjectException(name + " has no header");
        }
        long header = Integer.toUnsignedLong(section.getInt(4));
        long offset = header + Integer.toUnsignedLong(section.getInt(16));
        long length = Integer.toUnsignedLong(section.getInt(20));
        return slice(section, offset, length, name + "'s " + part);
    }

    /**
     * The line of the instruction at byte {@code offset} of program section {@code section}, if the line info has
     * one. Line info: a record size, then per section {sec_name_off, num_info, num_info records of
     * {insn_off, file_name_off, line_off, line_col}}.
     */
    Optional<Line> lineOf(String section, long offset) {
        try {
            if (lineInfo.limit() < 4) {
                return Optional.empty();
            }
            long recordSize = Integer.toUnsignedLong(lineInfo.getInt(0));
            if (recordSize < MIN_RECORD_BYTES || recordSize > lineInfo.limit()) {
                return Optional.empty();
            }
            long at = 4;
            while (at + 8 <= lineInfo.limit()) {
                String name = BpfElf.string(strings, Integer.toUnsignedLong(lineInfo.getInt((int) at)),
                        BpfElf.MAX_NAME_BYTES);
                long count = Integer.toUnsignedLong(lineInfo.getInt((int) at + 4));
                at += 8;
                if (count > (lineInfo.limit() - at) / recordSize) {
                    return Optional.empty(); // more records than the section holds
                }
                if (name.equals(section)) {
                    return closestBefore(at, count, recordSize, offset);
                }
                at += count * recordSize;
            }
            return Optional.empty();
        } catch (MalformedObjectException e) {
            return Optional.empty();
        }
    }

    /** Of {@code count} records from {@code at}, the one with the largest instruction offset not after {@code offset}. */
    private Optional<Line> closestBefore(long at, long count, long recordSize, long offset)
            throws MalformedObjectException {
        long best = -1;
        long bestOffset = -1;
        for (long i = 0; i < count; i++) {
            long record = at + i * recordSize;
            long insn = Integer.toUnsignedLong(lineInfo.getInt((int) record));
            if (insn <= offset && insn >= bestOffset) {
                best = record;
                bestOffset = insn;
            }
        }
        if (best < 0) {
            return Optional.empty();
        }
        String file = BpfElf.string(strings, Integer.toUnsignedLong(lineInfo.getInt((int) best + 4)),
                BpfElf.MAX_NAME_BYTES);
        long lineCol = Integer.toUnsignedLong(lineInfo.getInt((int) best + 12));
        return Optional.of(new Line(file, (int) (lineCol >>> 10), (int) (lineCol & 0x3ff)));
    }

    private static ByteBuffer slice(ByteBuffer in, long offset, long length, String what)
            throws MalformedObjectException {
        if (offset < 0 || length < 0 || offset > in.limit() || length > in.limit() - offset) {
            throw new MalformedObjectException(what + " are out of bounds");
        }
        return in.slice((int) offset, (int) length).order(ByteOrder.LITTLE_ENDIAN);
    }
}
