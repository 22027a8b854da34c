package dev.bpflab.agent.bpf;

import dev.bpflab.support.threads.Daemons;
import java.util.function.IntSupplier;

/**
 * A daemon thread that calls one libbpf poll function (ring_buffer__poll, perf_buffer__poll) until closed. The
 * caller frees the native buffer only when {@link #close()} says the thread has ended: freeing it under a running
 * poll (a callback still decoding a record) crashes the JVM. A poll returns within {@link #POLL_MS} once its records
 * are consumed; a ring buffer's callback also stops consuming once the stream is closing (under a flood a single
 * poll could otherwise go on for as long as records keep coming).
 */
final class PollLoop implements AutoCloseable {
    // A poll wakes at once when records arrive; the timeout only bounds how long stop() waits. Each idle wake-up costs
    // an emulated guest CPU time under TCG, and a class keeps dozens of attached, idle runs: a quarter second.
    static final int POLL_MS = 250;
    private static final int EINTR = 4;
    private static final long JOIN_MS = 10_000;

    private final Thread thread;
    private volatile boolean running = true;

    /** {@code pollOnce} waits up to {@link #POLL_MS} and returns libbpf's answer (a negative errno on failure). */
    PollLoop(String name, IntSupplier pollOnce) {
        thread = Daemons.start(() -> {
            while (running) {
                int n = pollOnce.getAsInt();
                if (n < 0 && n != -EINTR) {
                    return;
                }
            }
        }, name);
    }

    /** Whether close() was called: callbacks return early once it is. */
    boolean closing() {
        return !running;
    }

    /**
     * Stops polling and waits for the thread to end, up to {@link #JOIN_MS}.
     *
     * @return true when the thread has ended and the native buffer may be freed; false when it is still inside
     *         libbpf (the caller then leaks the buffer: the agent exits after its one run, a crash would lose it)
     */
    boolean stop() {
        running = false;
        try {
            thread.join(JOIN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    @Override
    public void close() {
        stop();
    }
}
