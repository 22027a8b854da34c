package dev.bpflab.agent.bpf;

import dev.bpflab.support.threads.Daemons;
import java.util.function.IntSupplier;

/**
 * A daemon thread that calls one libbpf poll function (ring_buffer__poll, perf_buffer__poll) until closed. The
 * caller frees the native buffer only after {@link #close()}: the short poll timeout lets the thread see the stop flag
 * well within the join, so libbpf is never freed under a running poll.
 */
final class PollLoop implements AutoCloseable {
    static final int POLL_MS = 50;
    private static final int EINTR = 4;

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

    @Override
    public void close() {
        running = false;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
