package dev.bpflab.compiler;

import dev.bpflab.protocol.Diagnostic;
import dev.bpflab.protocol.ServerMessage;
import java.util.List;

/**
 * What clang said and, when it succeeded, the BPF ELF object it wrote.
 *
 * @param object      the object's bytes, or null when the compile failed
 * @param coreBtf     the target kernel's BTF cut down to the types the object's CO-RE relocations use (raw BTF,
 *                    {@code bpftool gen min_core_btf}), or null: libbpf then reads the whole kernel BTF when loading
 * @param diagnostics clang's errors and warnings on the learner's lines (line 0: not tied to a line)
 * @param log         clang's own words, up to the output limit
 * @param repeatable  the same source gives the same result again: false when a limit or the host (time, memory under
 *                    load, a crash) decided it, so it must not be cached
 * @param instructions the object's instructions on the learner's lines ({@link InstructionListing}, without an id),
 *                    or null: the compile failed, or the object could not be disassembled
 */
public record CompileResult(byte[] object, byte[] coreBtf, List<Diagnostic> diagnostics, String log,
        boolean repeatable, ServerMessage.Instructions instructions) {

    public CompileResult {
        diagnostics = List.copyOf(diagnostics);
        log = log == null ? "" : log;
    }

    /** A result without an instruction listing. */
    public CompileResult(byte[] object, byte[] coreBtf, List<Diagnostic> diagnostics, String log, boolean repeatable) {
        this(object, coreBtf, diagnostics, log, repeatable, null);
    }

    /** A result without a minimal CO-RE BTF. */
    public CompileResult(byte[] object, List<Diagnostic> diagnostics, String log, boolean repeatable) {
        this(object, null, diagnostics, log, repeatable);
    }

    public boolean succeeded() {
        return object != null;
    }
}
