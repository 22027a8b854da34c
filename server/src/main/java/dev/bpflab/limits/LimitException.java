package dev.bpflab.limits;

import dev.bpflab.protocol.ErrorCode;
import dev.bpflab.protocol.ServerMessage;
import java.util.Map;

/** A client is over one of its budgets; the message names the limit and says what to do, in English. */
public class LimitException extends Exception {
    private final ErrorCode code;
    private final Map<String, Object> args;

    /** A refusal the page can say in its own language: {@code code} with its {@code args} (see {@link ErrorCode}). */
    public LimitException(ErrorCode code, Map<String, Object> args, String message) {
        super(message);
        this.code = code;
        this.args = Map.copyOf(args);
    }

    /** The refusal as the client is sent it. */
    public ServerMessage.Error error() {
        return new ServerMessage.Error(getMessage(), code, args);
    }
}
