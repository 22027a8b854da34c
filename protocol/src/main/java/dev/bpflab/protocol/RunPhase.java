package dev.bpflab.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where a run is, as {@code {"type":"phase","phase":…}} says it (docs/run-contract.md, "Phases").
 * compiling → (queued) → loading → attached → stopped, or → failed from any live phase. A run in a live phase holds
 * (or waits for) a sandbox; a final phase is said once, last.
 */
public enum RunPhase {
    COMPILING, QUEUED, LOADING, ATTACHED, STOPPED, FAILED;

    /** The phases of a run that is still going (it holds a sandbox, or waits in the queue for one). */
    public static final Set<RunPhase> LIVE = Set.copyOf(EnumSet.of(COMPILING, QUEUED, LOADING, ATTACHED));
    /** The phases that end a run; nothing of it follows them. */
    public static final Set<RunPhase> FINAL = Set.copyOf(EnumSet.of(STOPPED, FAILED));

    /** The name on the wire, e.g. "attached". */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isLive() {
        return LIVE.contains(this);
    }

    public boolean isFinal() {
        return FINAL.contains(this);
    }

    /** The phase named {@code wire}, if it is one. */
    public static Optional<RunPhase> fromWire(String wire) {
        return Arrays.stream(values()).filter(p -> p.wire().equals(wire)).findFirst();
    }

    @JsonCreator
    static RunPhase parse(String wire) {
        return fromWire(wire).orElseThrow(() -> new IllegalArgumentException(
                "\"phase\" must be one of " + Arrays.stream(values()).map(RunPhase::wire).toList()));
    }
}
