package dev.bpflab.runs;

import dev.bpflab.protocol.ServerMessage;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * What the server checks of a map write ({@code map_update}, {@code map_delete}) before it reaches the run's agent,
 * which types and checks it again: the map is one the run's snapshots named (a hash or array map: no other kind is
 * snapshotted), and the connection has not written more than {@link #PER_SECOND} entries in the last second (a token
 * bucket: bursts of that many, then that many a second; beyond, the write is refused, never queued). One per run.
 */
final class MapWriteGate {
    static final int PER_SECOND = 20;
    /** The most map names remembered: a run's object has a handful, and the agent is untrusted. */
    static final int MAX_MAPS = 64;
    private static final long NANOS_PER_WRITE = 1_000_000_000L / PER_SECOND;

    private final Set<String> known = new LinkedHashSet<>(); // guarded by this
    private final LongSupplier clock;
    private long budgetFrom; // the instant from which the bucket is full again; guarded by this

    MapWriteGate() {
        this(System::nanoTime);
    }

    MapWriteGate(LongSupplier nanoClock) {
        this.clock = nanoClock;
        this.budgetFrom = nanoClock.getAsLong() - PER_SECOND * NANOS_PER_WRITE;
    }

    /** A snapshot of map {@code name} passed the agent's filter: the map can be written. */
    synchronized void seen(String name) {
        if (known.size() < MAX_MAPS) {
            known.add(name);
        }
    }

    /**
     * Why a write to {@code map} is refused now, as the answer the client gets (null: it may go to the agent, and
     * one write of the second's budget is taken).
     */
    synchronized ServerMessage.MapWritten refusal(String map, String op) {
        if (!known.contains(map)) {
            return new ServerMessage.MapWritten(map, op, false, "no map named '" + clip(map) + "' has shown in the Maps "
                    + "tab of this run: only hash and array maps can be written, once their first snapshot arrived "
                    + (known.isEmpty() ? "(none has yet)" : "(this run's: " + String.join(", ", known) + ")"));
        }
        long now = clock.getAsLong();
        long from = Math.max(budgetFrom, now - PER_SECOND * NANOS_PER_WRITE);
        if (from + NANOS_PER_WRITE > now) {
            return new ServerMessage.MapWritten(map, op, false, "at most " + PER_SECOND + " map writes a second per "
                    + "connection: this one was not made; send it again in a moment");
        }
        budgetFrom = from + NANOS_PER_WRITE;
        return null;
    }

    private static String clip(String text) {
        return text.length() > 40 ? text.substring(0, 39) + "…" : text;
    }
}
