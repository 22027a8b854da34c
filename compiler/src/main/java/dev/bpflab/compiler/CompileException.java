package dev.bpflab.compiler;

/** The compiler could not be run at all (missing, timed out, jail broken); the message says what to do. */
public class CompileException extends Exception {
    public CompileException(String message) {
        super(message);
    }
}
