package dev.bpflab.runs;

import dev.bpflab.support.threads.Daemons;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Messages on their way to one browser, sent in order from one thread. When the browser falls behind, stream
 * messages (events, printk, map snapshots) beyond {@link #STREAM_BACKLOG} are dropped and counted, and a
 * {@code dropped} message says how many; control messages are never dropped. Memory stays bounded either way.
 */
final class ClientStream implements AutoCloseable {
    static final int STREAM_BACKLOG = 1000;
    private static final long DROP_REPORT_MS = 500;

    private record Outgoing(String json, boolean droppable) {
    }

    private final LinkedBlockingDeque<Outgoing> queue = new LinkedBlockingDeque<>();
    private final AtomicLong streamed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Consumer<String> sender;
    private final Thread thread;
    private volatile boolean open = true;

    ClientStream(String name, Consumer<String> sender) {
        this.sender = sender;
        this.thread = Daemons.start(this::sendLoop, "client-" + name);
    }

    void control(String json) {
        queue.addLast(new Outgoing(json, false));
    }

    void stream(String json) {
        if (streamed.get() >= STREAM_BACKLOG) {
            dropped.incrementAndGet();
            return;
        }
        streamed.incrementAndGet();
        queue.addLast(new Outgoing(json, true));
    }

    private void sendLoop() {
        long lastReport = System.currentTimeMillis();
        while (open || !queue.isEmpty()) {
            try {
                Outgoing next = queue.pollFirst(100, TimeUnit.MILLISECONDS);
                if (next != null) {
                    if (next.droppable()) {
                        streamed.decrementAndGet();
                    }
                    sender.accept(next.json());
                }
                long now = System.currentTimeMillis();
                if (now - lastReport >= DROP_REPORT_MS) {
                    lastReport = now;
                    long count = dropped.getAndSet(0);
                    if (count > 0) {
                        sender.accept("{\"type\":\"dropped\",\"count\":" + count + "}");
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                return; // the browser went away
            }
        }
    }

    /** Sends what is queued, then stops. */
    @Override
    public void close() {
        open = false;
    }
}
