package dev.bpflab.runs;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Messages from one browser on their way to its session: taken off the socket at once (on the socket's own thread),
 * handled in order on a worker thread. What waits is bounded, in messages and in characters: a client that sends
 * faster than its messages are handled, past that, is flooding; {@code flooded} runs once and nothing more is taken.
 * (Without this, the WebSocket layer queues every message read and not yet handled, without a bound.)
 */
final class Inbox {
    private final Executor workers;
    private final Consumer<String> handler;
    private final int maxMessages;
    private final long maxChars;
    private final Consumer<String> flooded;
    private final ArrayDeque<String> waiting = new ArrayDeque<>(); // guarded by this
    private long chars; // guarded by this
    private boolean draining; // guarded by this
    private boolean closed; // guarded by this

    /**
     * @param flooded told why (a reason that fits a close frame) when the budget is passed
     */
    Inbox(Executor workers, Consumer<String> handler, int maxMessages, long maxChars, Consumer<String> flooded) {
        this.workers = workers;
        this.handler = handler;
        this.maxMessages = maxMessages;
        this.maxChars = maxChars;
        this.flooded = flooded;
    }

    void offer(String text) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (waiting.size() < maxMessages && chars + text.length() <= maxChars) {
                waiting.addLast(text);
                chars += text.length();
                if (!draining) {
                    draining = true;
                    try {
                        workers.execute(this::drain);
                    } catch (RejectedExecutionException e) {
                        closed = true; // shutting down
                    }
                }
                return;
            }
            closed = true;
            waiting.clear();
        }
        flooded.accept("the client sent faster than the server could answer (over " + maxMessages + " messages or "
                + maxChars + " characters waiting)");
    }

    private void drain() {
        while (true) {
            String next;
            synchronized (this) {
                next = waiting.pollFirst();
                if (next == null) {
                    draining = false;
                    return;
                }
                chars -= next.length();
            }
            handler.accept(next);
        }
    }

    /** Nothing more is taken; what waits is dropped. */
    synchronized void close() {
        closed = true;
        waiting.clear();
    }
}
