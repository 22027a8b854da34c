package dev.bpflab.sandbox;

import dev.bpflab.protocol.ErrorCode;
import dev.bpflab.protocol.ServerMessage;
import java.util.Map;

/** The sandbox could not provide an agent; the message says what to fix (install X, run as root, ...). */
public class SandboxException extends Exception {
    private final ErrorCode code; // for the few a learner meets (the lab still preparing), else null
    private final Map<String, Object> args;

    public SandboxException(String message) {
        this(message, (Throwable) null);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
        this.code = cause instanceof SandboxException sandbox ? sandbox.code : null;
        this.args = cause instanceof SandboxException sandbox ? sandbox.args : Map.of();
    }

    /** A failure the page can say in its own language; {@code code} must be one without args. */
    public SandboxException(ErrorCode code, String message) {
        this(code, message, Map.of());
    }

    /** A failure the page can say in its own language, with {@code code}'s args. */
    public SandboxException(ErrorCode code, String message, Map<String, Object> args) {
        super(message);
        this.code = code;
        this.args = Map.copyOf(args);
    }

    /** The failure as the learner is sent it. */
    public ServerMessage.Error error() {
        return new ServerMessage.Error(getMessage(), code, args);
    }
}
