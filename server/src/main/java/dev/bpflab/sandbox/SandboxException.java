package dev.bpflab.sandbox;

/** The sandbox could not provide an agent; the message says what to fix (install X, run as root, ...). */
public class SandboxException extends Exception {
    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
