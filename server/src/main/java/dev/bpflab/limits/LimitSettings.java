package dev.bpflab.limits;

import java.time.Duration;

/**
 * The budgets of one client, from {@code bpflab.limits.*} (application.properties says what each is for).
 *
 * @param perAddress      caps shared by every connection from one client address
 * @param perLearner      caps shared by every connection that carries one learner token (a student in a room)
 * @param liveRunsWithoutLearner live runs of one address's connections that carry no learner token, at once; those
 *                        connections' other budgets are the address's
 * @param outgoingBytes   bytes (UTF-8) queued for one /ws/run connection before it is closed as a client that does not
 *                        read; stream messages are shed well before that (see {@code ClientStream})
 * @param idleTimeout     a /ws/run connection with no run and no message from its client for this long is closed
 * @param trustForwardedFor whether the client address is the last one in {@code X-Forwarded-For} (behind a reverse
 *                        proxy that sets it) instead of the socket's remote address
 * @param iteratorReadsPerMinute how often one run's iterator programs may be read again ({@code read_iterator}), in
 *                        bursts of up to that many: each read runs the program over the kernel's objects
 * @param readStall       a /ws/run connection whose client read nothing for this long while its run's output was
 *                        being shed is closed and its run stopped (a page that never reads keeps a sandbox busy
 *                        for nobody)
 */
public record LimitSettings(Caps perAddress, Caps perLearner, int liveRunsWithoutLearner, long outgoingBytes,
        Duration idleTimeout, boolean trustForwardedFor, int iteratorReadsPerMinute, Duration readStall) {
    public static final int DEFAULT_ITERATOR_READS_PER_MINUTE = 30;
    public static final Duration DEFAULT_READ_STALL = Duration.ofSeconds(15);

    /**
     * @param liveRuns      runs holding a sandbox (or in the server-wide queue for one) at once; more wait their turn
     * @param queuedRuns    runs pressed and not yet holding a sandbox (compiling or waiting); more are refused
     * @param connections   open WebSockets (/ws/run and the room sockets); more are refused
     * @param runsPerMinute runs started a minute, in bursts of up to that many; more are refused
     */
    public record Caps(int liveRuns, int queuedRuns, int connections, int runsPerMinute) {
        public Caps {
            if (liveRuns < 1 || queuedRuns < 1 || connections < 1 || runsPerMinute < 1) {
                throw new IllegalArgumentException("every bpflab.limits cap must be at least 1: " + this);
            }
        }
    }

    public LimitSettings {
        if (liveRunsWithoutLearner < 1) {
            throw new IllegalArgumentException("bpflab.limits.live-runs-per-address-without-learner must be at least 1, "
                    + "was " + liveRunsWithoutLearner);
        }
        if (outgoingBytes < 4096) {
            throw new IllegalArgumentException("bpflab.limits.outgoing-bytes-per-connection must be at least 4096, was "
                    + outgoingBytes);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("bpflab.limits.idle-timeout must be positive, was " + idleTimeout);
        }
        if (iteratorReadsPerMinute < 1) {
            throw new IllegalArgumentException("bpflab.limits.iterator-reads-per-minute must be at least 1, was "
                    + iteratorReadsPerMinute);
        }
        if (readStall.isNegative() || readStall.isZero()) {
            throw new IllegalArgumentException("bpflab.limits.read-stall must be positive, was " + readStall);
        }
    }

    /** With the default rate of iterator reads and the default read stall. */
    public LimitSettings(Caps perAddress, Caps perLearner, int liveRunsWithoutLearner, long outgoingBytes,
            Duration idleTimeout, boolean trustForwardedFor) {
        this(perAddress, perLearner, liveRunsWithoutLearner, outgoingBytes, idleTimeout, trustForwardedFor,
                DEFAULT_ITERATOR_READS_PER_MINUTE, DEFAULT_READ_STALL);
    }

    /** Runs without a learner token share the address's cap, and have none lower of their own. */
    public LimitSettings(Caps perAddress, Caps perLearner, long outgoingBytes, Duration idleTimeout,
            boolean trustForwardedFor) {
        this(perAddress, perLearner, perAddress.liveRuns(), outgoingBytes, idleTimeout, trustForwardedFor);
    }

    /** The caps of one address's runs without a learner token: the address's, with a live-run cap of their own. */
    public Caps withoutLearner() {
        return new Caps(liveRunsWithoutLearner, perAddress.queuedRuns(), perAddress.connections(),
                perAddress.runsPerMinute());
    }

    /**
     * The live runs one address may have when {@code bpflab.limits.live-runs-per-address} is unset: every live slot but
     * a quarter (at least one), so one address can never hold them all, while a class in a room behind one NAT address
     * still uses three quarters of the machine at once (its other runs wait in the queue, they are not refused). It
     * also bounds an address that makes up learner tokens to escape {@link #defaultLiveRunsWithoutLearner}.
     */
    public static int defaultLiveRunsPerAddress(int capacity) {
        return Math.max(1, capacity - Math.max(1, capacity / 4));
    }

    /**
     * The live runs of one address's connections without a learner token when
     * {@code bpflab.limits.live-runs-per-address-without-learner} is unset: half the slots (at least one), and never
     * more than {@code perAddress}.
     *
     * <p>Why half: sandboxes go fewest-held first ({@code AdmissionQueue}), so a client that already holds runs never
     * gets a free slot while someone holding fewer waits; the cap is only what one address may take while nobody else
     * is waiting yet, e.g. the slot hoarder that fills an idle lab with half-hour runs before the class arrives. Half
     * leaves the other half to everyone else from the start. Without a token the server cannot tell one person from a
     * class behind one NAT address; such a class still runs on half the machine at once, with its runs taken in turn,
     * and gets more by joining a room (a learner token per person, capped per learner instead).
     */
    public static int defaultLiveRunsWithoutLearner(int capacity, int perAddress) {
        return Math.max(1, Math.min(perAddress, capacity / 2));
    }

    /** No budget worth mentioning: for tests that exercise something else. */
    public static LimitSettings generous() {
        Caps many = new Caps(100_000, 100_000, 100_000, 100_000);
        return new LimitSettings(many, many, 64L << 20, Duration.ofDays(1), false);
    }
}
