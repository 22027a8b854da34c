package dev.bpflab.sandbox;

import dev.bpflab.protocol.PreparationStage;
import dev.bpflab.protocol.Preparing;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a sandbox backend does before it can hand out its first sandbox, and how far it is: a {@link PreparationStage}
 * at a time, each with the instant it began ({@link #timeline()}), then ready or failed. The qemu backend's
 * preparation takes minutes on a fresh host (the guest image, the VM every run is restored from); the local backend
 * is ready at once.
 *
 * <p>Thread-safe. Followers ({@link #follow}) are called on the thread that changed the preparation, under this
 * object's lock, so each sees every change in order; they must not block. A backend calls {@link #ready()} before
 * it lets waiting callers go on, so a follower hears "ready" before anything a ready backend does for a run.
 */
public final class Preparation {
    /** Where a preparation is. */
    public enum State {
        PREPARING, READY, FAILED
    }

    /**
     * One moment of a preparation. {@code stage} and {@code stageSince}: the stage under way (PREPARING) or the one
     * that failed (FAILED; null when the backend failed before any stage); {@code since}: when preparing began;
     * {@code problem}: FAILED only, what went wrong and what to do, in sentences for people.
     */
    public record Status(State state, PreparationStage stage, Instant stageSince, Instant since, String problem) {
        /** What a waiting run or the page is told at {@code now}; empty unless PREPARING. */
        public Optional<Preparing> preparing(Instant now) {
            if (state != State.PREPARING) {
                return Optional.empty();
            }
            long stageSeconds = seconds(stageSince, now);
            return Optional.of(new Preparing(stage, stageSeconds, Math.max(stageSeconds, seconds(since, now))));
        }

        private static long seconds(Instant from, Instant to) {
            return Math.max(0, Duration.between(from, to).toSeconds());
        }
    }

    /** A backend with nothing to prepare. */
    public static final Preparation READY = new Preparation(InstantSource.system(), State.READY, null, null);

    private final InstantSource clock;
    private final Map<PreparationStage, Instant> began = new EnumMap<>(PreparationStage.class); // guarded by this
    private final List<Consumer<Status>> followers = new ArrayList<>(); // guarded by this
    private Status status; // guarded by this

    /** A preparation that begins now with {@code first}. */
    public Preparation(InstantSource clock, PreparationStage first) {
        this(clock, State.PREPARING, first, null);
    }

    private Preparation(InstantSource clock, State state, PreparationStage stage, String problem) {
        this.clock = clock;
        Instant now = clock.instant();
        if (stage != null) {
            began.put(stage, now);
        }
        this.status = new Status(state, stage, stage == null ? null : now, now, problem);
    }

    /** A backend that could not start at all: {@code problem} says why and what to do. */
    public static Preparation failed(String problem) {
        return new Preparation(InstantSource.system(), State.FAILED, null, problem);
    }

    /**
     * The backend moved on to {@code stage}. Stages only go forward: a stage at or before the current one (a build's
     * progress line read twice) changes nothing, as does any stage once ready or failed.
     */
    public void enter(PreparationStage stage) {
        synchronized (this) {
            if (status.state() != State.PREPARING || (status.stage() != null && stage.compareTo(status.stage()) <= 0)) {
                return;
            }
            Instant now = clock.instant();
            began.put(stage, now);
            changed(new Status(State.PREPARING, stage, now, status.since(), null));
        }
    }

    /** Prepared: sandboxes can be handed out. Followers hear it, then are let go. */
    public void ready() {
        synchronized (this) {
            if (status.state() == State.PREPARING) {
                changed(new Status(State.READY, null, null, status.since(), null));
                followers.clear();
            }
        }
    }

    /**
     * Preparing failed in the current stage with {@code cause} (a sentence: what went wrong). The status's problem
     * then says in which stage, and what to do. Returns that problem; followers hear it, then are let go.
     */
    public String fail(String cause) {
        synchronized (this) {
            if (status.state() != State.PREPARING) {
                return status.problem();
            }
            String during = status.stage() == null ? "" : " while " + status.stage().text();
            String problem = "The lab could not get ready" + during + ": " + cause + ". What to do: read the server's "
                    + "log (the terminal of bin/serve, or journalctl for its service), fix what it names, and restart "
                    + "the server; it then picks up where this preparation stopped.";
            changed(new Status(State.FAILED, status.stage(), status.stageSince(), status.since(), problem));
            followers.clear();
            return problem;
        }
    }

    public synchronized Status status() {
        return status;
    }

    /**
     * The stages so far with how long each took (the last one: until now), for the log: "image-check 0 s, headers
     * 14 s, accelerator 9 s, saved-vm 212 s".
     */
    public synchronized String timeline() {
        List<String> parts = new ArrayList<>();
        List<Map.Entry<PreparationStage, Instant>> stages = List.copyOf(began.entrySet()); // in stage order
        for (int i = 0; i < stages.size(); i++) {
            Instant end = i + 1 < stages.size() ? stages.get(i + 1).getValue() : clock.instant();
            parts.add(stages.get(i).getKey().wire() + " " + Status.seconds(stages.get(i).getValue(), end) + " s");
        }
        return String.join(", ", parts);
    }

    /** What to tell a waiting run or the page now; empty unless preparing. */
    public Optional<Preparing> preparing() {
        return status().preparing(clock.instant());
    }

    /**
     * Calls {@code follower} with the status now, then with every change until ready or failed (a preparation that is
     * over is told once). See the class comment for the thread it is called on.
     */
    public synchronized void follow(Consumer<Status> follower) {
        follower.accept(status);
        if (status.state() == State.PREPARING) {
            followers.add(follower);
        }
    }

    /** Stops calling {@code follower} (a run that ended while it waited). */
    public synchronized void unfollow(Consumer<Status> follower) {
        followers.remove(follower);
    }

    private void changed(Status next) {
        status = next;
        for (Consumer<Status> follower : List.copyOf(followers)) {
            try {
                follower.accept(next);
            } catch (RuntimeException e) {
                followers.remove(follower); // a follower that throws is a bug; the preparation goes on without it
            }
        }
    }
}
