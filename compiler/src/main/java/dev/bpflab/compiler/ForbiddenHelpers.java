package dev.bpflab.compiler;

import dev.bpflab.compiler.BpfElf.MalformedObjectException;
import dev.bpflab.protocol.Diagnostic;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses, before an object goes to any sandbox, programs that call helpers which reach into other processes: a
 * learner's program shares its sandbox with the lab's agent and workloads (and, on the local backend, with the host),
 * and these would let it rewrite what the agent reports, kill or stop it, or change what its system calls return.
 * The compiled object's program sections are scanned for calls (BPF_JMP|BPF_CALL) to these helper ids, and to these
 * kfuncs by the name of the symbol their call is relocated against (as libbpf resolves it). Each call found becomes a diagnostic on the
 * learner's line (from the object's BTF line info), or, without one, names the function and section it is in.
 *
 * <p>Refused: {@code bpf_probe_write_user} (36: writes another process's memory, e.g. the agent's output before it
 * is written), {@code bpf_override_return} (58: makes another process's kernel calls return what the program says),
 * {@code bpf_send_signal} (109), {@code bpf_send_signal_thread} (117) and the kfunc {@code bpf_send_signal_task}
 * (signal whatever process triggers the program, the agent included), {@code bpf_sys_bpf} (166: loads programs that
 * were never scanned), and any call of a kfunc by number, which only hand-written instructions make.
 */
public final class ForbiddenHelpers {
    /** Stop listing after this many calls: the first few say it all. */
    static final int MAX_REPORTED = 16;
    private static final int CALL = 0x85; // BPF_JMP | BPF_CALL | BPF_K
    private static final int LOAD_IMM64 = 0x18; // BPF_LD | BPF_IMM | BPF_DW: two instruction slots
    private static final int INSN_BYTES = 8;

    /** A helper the lab refuses: why, in the learner's terms, and what to use instead. */
    record Forbidden(String name, String why, String instead) {
        String message() {
            return name + " is not allowed in this lab: " + why + ". " + instead;
        }
    }

    private static final Forbidden WRITE_USER = new Forbidden("bpf_probe_write_user",
            "it writes into the memory of other processes, so a program could rewrite what the lab reports about "
                    + "your run",
            "Read user memory with bpf_probe_read_user, and send what you find through a ring buffer or bpf_printk.");
    private static final String SIGNAL_WHY = "it signals whatever process triggers the program, the lab's own "
            + "processes included";
    private static final String SIGNAL_INSTEAD = "Report the process instead (its pid in a ring buffer record), or "
            + "deny the action from an LSM program (SEC(\"lsm/...\")) that returns -EPERM.";
    private static final Map<Integer, Forbidden> HELPERS = Map.of(
            36, WRITE_USER,
            58, new Forbidden("bpf_override_return", "it makes other processes' system calls return what the "
                    + "program says, the lab's own included", "To stop an action, write an LSM program "
                    + "(SEC(\"lsm/...\")) that returns -EPERM."),
            109, new Forbidden("bpf_send_signal", SIGNAL_WHY, SIGNAL_INSTEAD),
            117, new Forbidden("bpf_send_signal_thread", SIGNAL_WHY, SIGNAL_INSTEAD),
            166, new Forbidden("bpf_sys_bpf", "it loads further BPF programs, which the lab could not check",
                    "Put every program in your source, each in its own SEC(...)."));
    private static final Map<String, Forbidden> KFUNCS = Map.of(
            "bpf_send_signal_task", new Forbidden("bpf_send_signal_task", SIGNAL_WHY, SIGNAL_INSTEAD));
    private static final Forbidden RAW_KFUNC = new Forbidden("a kfunc call by number", "the lab cannot tell which "
            + "kernel function it calls", "Declare the kfunc with __ksym and call it by its name.");

    private ForbiddenHelpers() {
    }

    /**
     * {@code result} as it may go to a sandbox: itself when it failed already or calls nothing refused; otherwise a
     * failed result with one error per refused call (after clang's own diagnostics) and the same words in its log.
     */
    public static CompileResult enforce(CompileResult result) {
        if (!result.succeeded()) {
            return result;
        }
        List<Diagnostic> refused = find(result.object());
        if (refused.isEmpty()) {
            return result;
        }
        List<Diagnostic> diagnostics = new ArrayList<>(result.diagnostics());
        diagnostics.addAll(refused);
        StringBuilder log = new StringBuilder(result.log());
        for (Diagnostic d : refused) {
            log.append(d.line() > 0 ? ClangCompiler.SOURCE_NAME + ":" + d.line() + ":" + d.column() + ": " : "")
                    .append("error: ").append(d.message()).append('\n');
        }
        return new CompileResult(null, diagnostics, log.toString(), result.repeatable());
    }

    /** One error per refused call in {@code object} (at most {@link #MAX_REPORTED}); empty when there is none. */
    static List<Diagnostic> find(byte[] object) {
        try {
            BpfElf elf = BpfElf.parse(object);
            Optional<BtfLines> lines = BtfLines.of(elf);
            Set<Diagnostic> found = new LinkedHashSet<>(); // one per helper and line
            for (BpfElf.Section section : elf.sections()) {
                if (section.isProgram()) {
                    scan(elf, section, lines, found);
                }
            }
            return found.stream().sorted(Comparator.comparing((Diagnostic d) -> d.line() == 0)
                    .thenComparingInt(Diagnostic::line).thenComparingInt(Diagnostic::column)).toList();
        } catch (MalformedObjectException e) {
            return List.of(new Diagnostic(0, 0, "error", "the compiled program could not be checked before "
                    + "loading (" + e.getMessage() + "), so it was not run"));
        }
    }

    private static void scan(BpfElf elf, BpfElf.Section section, Optional<BtfLines> lines, Set<Diagnostic> found)
            throws MalformedObjectException {
        ByteBuffer code = elf.contents(section);
        for (int at = 0; at + INSN_BYTES <= code.limit() && found.size() < MAX_REPORTED; at += INSN_BYTES) {
            int opcode = Byte.toUnsignedInt(code.get(at));
            if (opcode == LOAD_IMM64) {
                at += INSN_BYTES; // its second slot holds the upper half of the constant, not an instruction
            } else if (opcode == CALL) {
                int source = (code.get(at + 1) & 0xf0) >> 4;
                // Source register 0: a helper, by id. 2: a kfunc by its kernel BTF id, which clang never writes
                // (it writes 1 and a relocation, see below); only hand-made instructions have it.
                Forbidden helper = source == 0 ? HELPERS.get(code.getInt(at + 4)) : source == 2 ? RAW_KFUNC : null;
                if (helper != null) {
                    found.add(diagnostic(elf, section, at, helper, lines));
                }
            }
        }
        // A kfunc call is relocated against the kfunc's (undefined) symbol, which names it.
        elf.forEachRelocation(section, (offset, symbol) -> {
            if (found.size() < MAX_REPORTED && offset >= 0 && offset % INSN_BYTES == 0
                    && offset + INSN_BYTES <= code.limit() && Byte.toUnsignedInt(code.get((int) offset)) == CALL) {
                Forbidden kfunc = KFUNCS.get(essentialName(elf.symbolName(symbol, BpfElf.MAX_NAME_BYTES)));
                if (kfunc != null) {
                    found.add(diagnostic(elf, section, offset, kfunc, lines));
                }
            }
        });
    }

    /** The error for a refused call at byte {@code offset} of {@code section}: on its line, or naming its function. */
    private static Diagnostic diagnostic(BpfElf elf, BpfElf.Section section, long offset, Forbidden helper,
            Optional<BtfLines> lines) throws MalformedObjectException {
        Optional<BtfLines.Line> line = lines.flatMap(l -> l.lineOf(section.name(), offset))
                .filter(l -> l.line() > 0 && isLearnersFile(l.file()));
        if (line.isPresent()) {
            return new Diagnostic(line.get().line(), line.get().column(), "error", helper.message());
        }
        String function = elf.functionAt(section, offset);
        return new Diagnostic(0, 0, "error", helper.message() + " (called in " + (function == null ? ""
                : function + ", ") + "section " + section.name() + ")");
    }

    /** libbpf resolves {@code name___anything} to the kernel's {@code name} (a "flavor"): so does this check. */
    static String essentialName(String symbol) {
        int flavor = symbol.indexOf("___");
        return flavor > 0 ? symbol.substring(0, flavor) : symbol;
    }

    /** Whether line info names the learner's own source (not a header it included). */
    static boolean isLearnersFile(String file) {
        return file.equals(ClangCompiler.SOURCE_NAME) || file.endsWith("/" + ClangCompiler.SOURCE_NAME);
    }
}
