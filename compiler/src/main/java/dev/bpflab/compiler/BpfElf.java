package dev.bpflab.compiler;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of a BPF ELF object that {@link ForbiddenHelpers} reads: section headers, the symbol table and the
 * relocations of program sections. Only what clang writes for {@code -target bpf} on this host is read (ELF64,
 * little-endian, machine EM_BPF). The object is compiled from a learner's C, so it is untrusted input: every offset,
 * size and count is checked against the file before it is used, and anything that does not fit is a
 * {@link MalformedObjectException}, never an out-of-bounds read.
 */
final class BpfElf {
    /** Larger objects are not read at all (the compiler writes at most 16 MiB). */
    static final int MAX_BYTES = 64 << 20;
    /** Section and symbol names are read up to this many bytes; longer ones are cut. */
    static final int MAX_NAME_BYTES = 256;

    private static final int EM_BPF = 247;
    private static final int SHDR_SIZE = 64;
    private static final int SYM_SIZE = 24;
    private static final int REL_SIZE = 16;
    static final int SHT_PROGBITS = 1;
    static final int SHT_SYMTAB = 2;
    static final int SHT_REL = 9;
    static final long SHF_EXECINSTR = 0x4;
    static final int STT_FUNC = 2;
    private static final int SHT_NOBITS = 8;

    /** One section header; {@code index} is its place in the section table. */
    record Section(int index, String name, int type, long flags, int offset, int size, int link, int info) {
        /** A section libbpf loads programs from: PROGBITS and executable. */
        boolean isProgram() {
            return type == SHT_PROGBITS && (flags & SHF_EXECINSTR) != 0 && size > 0;
        }
    }

    /** Told each relocation of a section: the byte it applies at and the index of its symbol. */
    interface RelocationVisitor {
        void relocation(long offset, int symbol) throws MalformedObjectException;
    }

    private final ByteBuffer file;
    private final List<Section> sections;
    /** Section index → the REL sections that apply to it, so a scan of every program stays linear. */
    private final Map<Integer, List<Section>> relocationsOf = new HashMap<>();

    private BpfElf(ByteBuffer file, List<Section> sections) {
        this.file = file;
        this.sections = sections;
        for (Section s : sections) {
            if (s.type() == SHT_REL) {
                relocationsOf.computeIfAbsent(s.info(), i -> new ArrayList<>()).add(s);
            }
        }
    }

    /** Reads the section table of {@code object}. */
    static BpfElf parse(byte[] object) throws MalformedObjectException {
        if (object == null || object.length < SHDR_SIZE) {
            throw new MalformedObjectException("it is too short to be an ELF object");
        }
        if (object.length > MAX_BYTES) {
            throw new MalformedObjectException("it is larger than " + (MAX_BYTES >> 20) + " MiB");
        }
        ByteBuffer file = ByteBuffer.wrap(object).order(ByteOrder.LITTLE_ENDIAN);
        if (file.getInt(0) != 0x464c457f || object[4] != 2 || object[5] != 1) {
            throw new MalformedObjectException("it is not a 64-bit little-endian ELF object");
        }
        if (Short.toUnsignedInt(file.getShort(18)) != EM_BPF) {
            throw new MalformedObjectException("it is not a BPF object");
        }
        long tableOffset = file.getLong(40);
        int entrySize = Short.toUnsignedInt(file.getShort(58));
        int count = Short.toUnsignedInt(file.getShort(60));
        int namesIndex = Short.toUnsignedInt(file.getShort(62));
        if (entrySize != SHDR_SIZE || count == 0 || namesIndex >= count
                || !fits(tableOffset, (long) count * SHDR_SIZE, object.length)) {
            throw new MalformedObjectException("its section table is out of bounds");
        }
        int table = (int) tableOffset;
        List<Section> raw = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = table + i * SHDR_SIZE;
            int type = file.getInt(at + 4);
            long offset = file.getLong(at + 24);
            long size = file.getLong(at + 32);
            boolean hasBytes = type != SHT_NOBITS && type != 0; // neither these nor SHT_NULL take room in the file
            if (hasBytes && !fits(offset, size, object.length)) {
                throw new MalformedObjectException("section " + i + " is out of bounds");
            }
            raw.add(new Section(i, null, type, file.getLong(at + 8), hasBytes ? (int) offset : 0,
                    hasBytes ? (int) size : 0, file.getInt(at + 40), file.getInt(at + 44)));
        }
        Section names = raw.get(namesIndex);
        List<Section> named = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Section s = raw.get(i);
            String name = string(file.slice(names.offset(), names.size()),
                    Integer.toUnsignedLong(file.getInt(table + i * SHDR_SIZE)), MAX_NAME_BYTES);
            named.add(new Section(s.index(), name, s.type(), s.flags(), s.offset(), s.size(), s.link(), s.info()));
        }
        return new BpfElf(file, List.copyOf(named));
    }

    List<Section> sections() {
        return sections;
    }

    Optional<Section> named(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The section's bytes, little-endian, positioned at 0. */
    ByteBuffer contents(Section section) {
        return file.slice(section.offset(), section.size()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Calls {@code visitor} for each relocation that applies to {@code target} (REL sections whose info names it). */
    void forEachRelocation(Section target, RelocationVisitor visitor) throws MalformedObjectException {
        for (Section rel : relocationsOf.getOrDefault(target.index(), List.of())) {
            ByteBuffer entries = contents(rel);
            for (int at = 0; at + REL_SIZE <= entries.limit(); at += REL_SIZE) {
                long symbol = entries.getLong(at + 8) >>> 32;
                if (symbol > Integer.MAX_VALUE) {
                    throw new MalformedObjectException("a relocation of " + target.name() + " names no symbol");
                }
                visitor.relocation(entries.getLong(at), (int) symbol);
            }
        }
    }

    /** The name of symbol {@code index}, cut at {@code maxBytes}; empty when it has none. */
    String symbolName(int index, int maxBytes) throws MalformedObjectException {
        Section table = symbolTable();
        long at = (long) index * SYM_SIZE;
        if (index < 0 || at + SYM_SIZE > table.size()) {
            throw new MalformedObjectException("a relocation names a symbol that is not in the symbol table");
        }
        return string(contents(section(table.link(), "the symbol table's names")),
                Integer.toUnsignedLong(file.getInt(table.offset() + (int) at)), maxBytes);
    }

    /**
     * The names of the global symbols the object uses but does not define (its {@code extern}s: kfuncs, {@code __ksym}
     * and {@code __kconfig} variables), which libbpf resolves at load. Symbol: st_name (4), st_info (1; the binding in
     * its high nibble), st_other (1), st_shndx (2; 0 = undefined), st_value (8), st_size (8).
     */
    List<String> externs() throws MalformedObjectException {
        Section table = symbolTable();
        List<String> names = new ArrayList<>();
        for (int at = SYM_SIZE; at + SYM_SIZE <= table.size(); at += SYM_SIZE) { // entry 0 is the null symbol
            int entry = table.offset() + at;
            int binding = (file.get(entry + 4) & 0xff) >> 4;
            boolean global = binding == 1 || binding == 2; // STB_GLOBAL, STB_WEAK
            if (global && file.getShort(entry + 6) == 0 && names.size() < 1024) {
                names.add(symbolName(at / SYM_SIZE, MAX_NAME_BYTES));
            }
        }
        return names;
    }

    /**
     * The name of the function defined in {@code section} that covers byte {@code offset} (the program or the
     * subprogram an instruction is in), or null. Reads the symbol table's numbers, and one name.
     */
    String functionAt(Section section, long offset) throws MalformedObjectException {
        Section table = symbolTable();
        for (int at = 0; at + SYM_SIZE <= table.size(); at += SYM_SIZE) {
            int entry = table.offset() + at;
            int type = file.get(entry + 4) & 0xf;
            int definedIn = Short.toUnsignedInt(file.getShort(entry + 6));
            long start = file.getLong(entry + 8);
            long size = file.getLong(entry + 16);
            if (type == STT_FUNC && definedIn == section.index() && start >= 0 && size >= 0 && start <= offset
                    && offset - start < Math.max(1, size)) {
                return symbolName(at / SYM_SIZE, MAX_NAME_BYTES);
            }
        }
        return null;
    }

    private Section symbolTable() throws MalformedObjectException {
        return sections.stream().filter(s -> s.type() == SHT_SYMTAB).findFirst()
                .orElseThrow(() -> new MalformedObjectException("it has no symbol table"));
    }

    private Section section(int index, String what) throws MalformedObjectException {
        if (index <= 0 || index >= sections.size()) {
            throw new MalformedObjectException(what + " are in no section");
        }
        return sections.get(index);
    }

    /** The NUL-terminated string at {@code offset} of string table {@code table}, cut at {@code maxBytes}. */
    static String string(ByteBuffer table, long offset, int maxBytes) throws MalformedObjectException {
        if (offset < 0 || offset >= table.limit()) {
            throw new MalformedObjectException("a name lies outside its string table");
        }
        int start = (int) offset;
        int limit = (int) Math.min(table.limit(), start + (long) maxBytes);
        int end = start;
        while (end < limit && table.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        table.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static boolean fits(long offset, long size, int length) {
        return offset >= 0 && size >= 0 && offset <= length && size <= length - offset;
    }

    /** The object is not one this reader can vouch for; the message says what is wrong with it. */
    static final class MalformedObjectException extends Exception {
        MalformedObjectException(String message) {
            super(message);
        }
    }
}
