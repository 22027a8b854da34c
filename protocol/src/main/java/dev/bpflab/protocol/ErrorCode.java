package dev.bpflab.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The stable names of the {@code error}s a learner meets most (docs/run-contract.md, "error"), with the
 * {@code args} each carries, so that the page can say them in its own language; the English {@code message} is
 * always there too. The page shows the message for a code it does not know.
 */
public enum ErrorCode {
    /** Over the client's connection budget; args: {@code most} (connections at once). */
    TOO_MANY_CONNECTIONS,
    /** Over the client's budget of runs compiling or queued; args: {@code most}. */
    TOO_MANY_WAITING,
    /** Over the client's runs a minute; args: {@code most} (a minute), {@code wait} (seconds until the next). */
    TOO_MANY_RUNS,
    /** The run reached its time limit and was stopped; args: {@code seconds}. */
    TIME_LIMIT,
    /** The lab is still preparing the sandbox runs start from (a fresh qemu host); no args. */
    LAB_PREPARING,
    /** A workload fired with no run going; args: {@code workload}. */
    NO_RUN,
    /** A workload fired before the run's program reached its sandbox; args: {@code workload}. */
    NOT_ATTACHED_YET,
    /** An iterator read with no program attached; no args. */
    NOTHING_ATTACHED,
    /** Over a run's iterator reads a minute; args: {@code most} (a minute), {@code wait} (seconds). */
    TOO_MANY_READS,
    /** A browser message over the size limit; args: {@code size} and {@code limit} (characters). */
    TOO_LARGE,
    /**
     * The socket's learner token is no student's of an open room (they left or were removed, or the room closed, or
     * it was never one): nothing runs on it, and the socket is closed with 4403; no args.
     */
    NOT_IN_A_ROOM,
    /** A run named a kernel this lab does not have; args: {@code kernel} (what it named), {@code choices} (the ids, comma-separated). */
    UNKNOWN_KERNEL;

    /** The name on the wire, e.g. "too-many-runs". */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The code named {@code wire}, if it is one. */
    public static Optional<ErrorCode> fromWire(String wire) {
        return Arrays.stream(values()).filter(c -> c.wire().equals(wire)).findFirst();
    }

    @JsonCreator
    static ErrorCode parse(String wire) {
        return fromWire(wire).orElseThrow(() -> new IllegalArgumentException(
                "\"code\" must be one of " + Arrays.stream(values()).map(ErrorCode::wire).toList()));
    }
}
