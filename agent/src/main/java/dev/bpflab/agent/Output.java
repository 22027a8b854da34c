package dev.bpflab.agent;

import dev.bpflab.protocol.AgentMessage;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.support.threads.Daemons;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's only writer to stdout: one JSON object per line, from one thread. Stream messages (events, printk,
 * map snapshots) go through a bounded queue and are counted and dropped when the reader can't keep up;
 * control messages (phase, diagnostics, errors) are never dropped.
 */
final class Output implements AutoCloseable {
    private static final int STREAM_CAPACITY = 2048;
    private static final long DROP_REPORT_MS = 500;

    /** Queued only to wake the writer; never written. */
    private static final AgentMessage WAKE = new ServerMessage.Dropped(1);

    private final OutputStream out;
    private final BlockingQueue<AgentMessage> stream = new ArrayBlockingQueue<>(STREAM_CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean running = true;

    Output(OutputStream out) {
        this.out = out;
        this.writer = Daemons.start(this::drainLoop, "agent-output");
    }

    /** Writes a control message now, after whatever stream messages are already queued. */
    synchronized void send(AgentMessage message) {
        flushStream();
        write(message);
    }

    /** Queues a stream message; drops it (and counts it) when the queue is full. */
    void offer(AgentMessage message) {
        if (!stream.offer(message)) {
            dropped.incrementAndGet();
        }
    }

    void countDropped(long count) {
        dropped.addAndGet(count);
        if (stream.isEmpty()) { // the writer may be asleep on it: wake it, so the drop is reported within DROP_REPORT_MS
            stream.offer(WAKE); // (never into a queue that holds records: a marker would take a record's place)
        }
    }

    private void drainLoop() {
        long lastReport = System.currentTimeMillis();
        while (running) {
            try {
                // With nothing dropped to report it sleeps until a record comes: an idle run's agent never wakes it,
                // and under TCG every wake-up of a guest costs host CPU. Drops are reported within DROP_REPORT_MS.
                AgentMessage next = dropped.get() > 0 ? stream.poll(DROP_REPORT_MS, TimeUnit.MILLISECONDS)
                        : stream.take();
                synchronized (this) {
                    if (next != null && next != WAKE) {
                        write(next);
                    }
                    if (System.currentTimeMillis() - lastReport >= DROP_REPORT_MS) {
                        reportDrops();
                        lastReport = System.currentTimeMillis();
                    }
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void flushStream() {
        AgentMessage next;
        while ((next = stream.poll()) != null) {
            if (next != WAKE) {
                write(next);
            }
        }
        reportDrops();
    }

    private void reportDrops() {
        long count = dropped.getAndSet(0);
        if (count > 0) {
            write(new ServerMessage.Dropped(count));
        }
    }

    private void write(AgentMessage message) {
        try {
            // one write(2) per line: a program that counts system calls sees the agent's output as little as can be
            out.write((RunJson.write(message) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            // The host is gone: nobody is left to tell. The run ends when stdin closes.
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            flushStream();
        }
        running = false;
        writer.interrupt();
    }
}
