package dev.bpflab.agent.compile;

import dev.bpflab.protocol.Diagnostic;
import java.util.List;

/** What clang said and, when it succeeded, the BPF ELF object it wrote. */
public record CompileResult(byte[] object, List<Diagnostic> diagnostics, String log) {

    public boolean succeeded() {
        return object != null;
    }
}
