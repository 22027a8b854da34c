package dev.bpflab.support.process;

import dev.bpflab.support.threads.Daemons;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Reads one output stream of a process to its end on a daemon thread of its own, keeping the first {@code cap} bytes
 * and counting the rest. Reading never waits for the caller, so a process that writes a lot never blocks on a full
 * pipe, and the caller can stop waiting at a deadline even while some descendant keeps the pipe open.
 */
final class BoundedReader {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final int cap;
    private final Thread thread;
    private long discarded;

    BoundedReader(InputStream in, int cap, String name) {
        this.cap = cap;
        this.thread = Daemons.start(() -> drain(in), name);
    }

    private void drain(InputStream in) {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (this) {
                    int room = Math.max(0, cap - kept.size());
                    kept.write(buffer, 0, Math.min(room, n));
                    discarded += Math.max(0, n - room);
                }
            }
        } catch (IOException ignored) {
            // the stream was closed under us; what was read is kept
        }
    }

    /** Waits until the stream has ended or {@code deadlineNanos} (a {@link System#nanoTime()} value) has passed. */
    boolean awaitEnd(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.timedJoin(thread, left);
        }
        return !thread.isAlive();
    }

    synchronized String text() {
        return kept.toString(StandardCharsets.UTF_8);
    }

    synchronized long discarded() {
        return discarded;
    }
}
