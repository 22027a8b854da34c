package dev.bpflab.agent.bpf;

/** A map write refused before it reached the kernel, or by it: the message says what to fix, for the learner. */
public final class MapWriteException extends Exception {
    public MapWriteException(String message) {
        super(message, null, false, false);
    }
}
