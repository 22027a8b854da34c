package dev.bpflab.runs;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Messages on their way to one browser, in order and without a thread of their own: each is handed to the socket at
 * once and its UTF-8 bytes count as waiting until the socket has written it. Stream messages (events, printk, map
 * snapshots) are shed, and counted in a {@code dropped} message, while {@link #STREAM_BACKLOG} of them or half the
 * byte budget wait; control messages are never shed. If what waits passes the whole budget even so (a client that
 * keeps asking and never reads the answers), the socket is hung up on and {@code overflowed} runs: memory stays
 * bounded by the budget either way. So is a client that read nothing for the read stall while stream messages were
 * being shed: its run's output goes nowhere, and the run's sandbox would stay busy for nobody until its time limit.
 */
final class ClientStream implements AutoCloseable {
    static final int STREAM_BACKLOG = 1000;
    private static final long DROP_REPORT_MS = 500;

    /** The socket, as this stream uses it. */
    interface Outlet {
        /** Hands {@code text} to the socket; completes when it is written, exceptionally when it cannot be. */
        CompletionStage<?> send(String text);

        /** Closes the socket because its client does not read; {@code reason} fits a close frame (under 123 bytes). */
        void hangUp(String reason);
    }

    private final Outlet outlet;
    private final long budget;
    private final ScheduledExecutorService timers;
    private final Runnable overflowed;
    private final long stallNanos;
    /** When the socket last wrote something, or last had nothing waiting (System.nanoTime()). */
    private volatile long progressAt = System.nanoTime();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean reportDue = new AtomicBoolean();
    // Counted without this object's lock: the socket reports writes on its own thread, which may hold the socket's
    // lock while a sender holds this one and waits for the socket's.
    private final AtomicLong bytesWaiting = new AtomicLong();
    private final AtomicInteger streamWaiting = new AtomicInteger();
    private volatile boolean closed;

    /**
     * @param budget     bytes that may wait for the socket at once
     * @param timers     sends the {@code dropped} reports
     * @param stall      how long the client may read nothing while stream messages are shed before it is hung up on
     * @param overflowed runs once, when the budget is passed or the client stalled, and the socket is hung up on
     */
    ClientStream(Outlet outlet, long budget, Duration stall, ScheduledExecutorService timers,
            Runnable overflowed) {
        this.outlet = outlet;
        this.budget = budget;
        this.stallNanos = stall.toNanos();
        this.timers = timers;
        this.overflowed = overflowed;
    }

    void control(String json) {
        send(json, false);
    }

    void stream(String json) {
        send(json, true);
    }

    private void send(String json, boolean stream) {
        long size = utf8Length(json);
        String why;
        synchronized (this) { // held while handing over, so the socket gets messages in the order they were sent
            if (closed) {
                return;
            }
            long now = System.nanoTime();
            if (bytesWaiting.get() == 0) {
                progressAt = now; // nothing waits: whatever was sent has been written
            }
            if (stream && (streamWaiting.get() >= STREAM_BACKLOG || bytesWaiting.get() + size > budget / 2)) {
                if (now - progressAt <= stallNanos) {
                    dropped.incrementAndGet();
                    reportDropsSoon();
                    return;
                }
                closed = true;
                why = "the client read nothing for " + TimeUnit.NANOSECONDS.toSeconds(stallNanos)
                        + " s while its run's output waited; reload the page";
            } else if (bytesWaiting.addAndGet(size) <= budget) {
                if (stream) {
                    streamWaiting.incrementAndGet();
                }
                outlet.send(json).whenComplete((v, failure) -> written(size, stream, failure));
                return;
            } else {
                closed = true;
                why = "the client did not read: over " + budget + " bytes waited for it; reload the page";
            }
        }
        hangUp(why);
        overflowed.run();
    }

    /** Closes the socket because of its client; {@code reason} fits a close frame (under 123 bytes). */
    void hangUp(String reason) {
        closed = true;
        outlet.hangUp(reason);
    }

    private void written(long size, boolean stream, Throwable failure) {
        progressAt = System.nanoTime();
        bytesWaiting.addAndGet(-size);
        if (stream) {
            streamWaiting.decrementAndGet();
        }
        if (failure != null) {
            closed = true; // the browser went away
        }
    }

    private void reportDropsSoon() {
        if (!reportDue.compareAndSet(false, true)) {
            return;
        }
        try {
            timers.schedule(() -> {
                reportDue.set(false);
                long count = dropped.getAndSet(0);
                if (count > 0) {
                    control("{\"type\":\"dropped\",\"count\":" + count + "}");
                }
            }, DROP_REPORT_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            reportDue.set(false); // shutting down
        }
    }

    /** Bytes handed to the socket and not yet written. */
    long bytesWaiting() {
        return bytesWaiting.get();
    }

    /** Nothing more is sent. */
    @Override
    public void close() {
        closed = true;
    }

    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }
}
