package dev.bpflab.protocol;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;

/**
 * The parts and bounds of a {@link ServerMessage.MatrixRow}, one kernel's result of a {@link ClientMessage.RunAll}:
 * <ul>
 * <li>{@code kernel}, {@code name}, {@code release}: the kernel's id, its name for people, its release (null until
 *     known); at most {@value #MAX_NAME_CHARS} characters each;</li>
 * <li>{@code compile}: {@link Compile}; {@code diagnostics}: the compile's, or the verifier's when it rejected the
 *     program, at most {@value #MAX_DIAGNOSTICS}, as a {@code diagnostics} message carries them (hints included);</li>
 * <li>{@code verifier}: {@link Verifier}, null when the program did not reach it (or the load failed otherwise);
 *     {@code processed}: instructions the verifier processed, summed over the object's programs, null when
 *     unknown;</li>
 * <li>{@code attach}: {@link Attach}, null when not reached; {@code error}: what went wrong in a sentence, or
 *     null;</li>
 * <li>{@code events}: events that arrived while it was attached; {@code sample}: the first at most
 *     {@value #MAX_SAMPLE} of them, as {@code event} messages carry them; {@code maps}: the last snapshot of each map,
 *     at most {@value #MAX_MAPS} maps of at most {@value #MAX_MAP_ENTRIES} entries.</li>
 * </ul>
 * Rows are built from what untrusted agents said: the row's constructor cuts every list to its bound.
 */
public final class MatrixRows {
    public static final int MAX_NAME_CHARS = 128;
    public static final int MAX_DIAGNOSTICS = 20;
    public static final int MAX_SAMPLE = 5;
    public static final int MAX_MAPS = 8;
    public static final int MAX_MAP_ENTRIES = 32;

    private MatrixRows() {
    }

    /** Whether clang made an object for that kernel. */
    public enum Compile {
        OK, FAILED;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The kernel's verifier's word on the object. */
    public enum Verifier {
        ACCEPTED, REJECTED;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Whether the loaded programs were attached to their hooks. */
    public enum Attach {
        ATTACHED, FAILED;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The first {@code most} items of {@code items} (none for null). */
    static <T> List<T> first(List<T> items, int most) {
        if (items == null) {
            return List.of();
        }
        return List.copyOf(items.size() <= most ? items : items.subList(0, most));
    }

    /** {@code snapshot} with at most {@value #MAX_MAP_ENTRIES} entries. */
    static ServerMessage.MapSnapshot cut(ServerMessage.MapSnapshot snapshot) {
        if (snapshot.entries().size() <= MAX_MAP_ENTRIES) {
            return snapshot;
        }
        return new ServerMessage.MapSnapshot(snapshot.name(), snapshot.entries().subList(0, MAX_MAP_ENTRIES),
                snapshot.enums(), snapshot.types());
    }
}
