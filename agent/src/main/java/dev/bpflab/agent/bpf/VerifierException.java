package dev.bpflab.agent.bpf;

/** The kernel refused to load a program. Carries the verifier log, as cilium/ebpf's VerifierError does. */
public final class VerifierException extends BpfException {
    private final String program;
    private final String log;
    private final boolean truncated;

    VerifierException(String program, String message, String log, boolean truncated) {
        super(message);
        this.program = program;
        this.log = log;
        this.truncated = truncated;
    }

    /** The program the verifier rejected, or empty when it is unknown. */
    public String program() {
        return program;
    }

    public String log() {
        return log;
    }

    /** The log did not fit the buffer: its beginning (older kernels) or end (6.4+) is missing. */
    public boolean truncated() {
        return truncated;
    }
}
