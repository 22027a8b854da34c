package dev.bpflab.rooms;

import dev.bpflab.api.ApiException;

/** A room request that cannot be served; {@link #status()} is the HTTP status to answer with, the message says why. */
public final class RoomException extends Exception {
    private final int status;

    RoomException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /**
     * The same refusal as a REST error: status and message unchanged; a 401 also carries
     * {@code WWW-Authenticate: Bearer realm="bpflab room"}, as HTTP asks of a 401.
     */
    public ApiException toApi() {
        ApiException api = new ApiException(status, getMessage());
        return status == 401 ? api.withHeader("WWW-Authenticate", "Bearer realm=\"bpflab room\"") : api;
    }
}
