package dev.bpflab.rooms;

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
}
