package dev.bpflab.agent;

import dev.bpflab.agent.bpf.BpfException;
import dev.bpflab.agent.bpf.BpfIterator;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.support.threads.Daemons;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads a run's iterator programs and sends what each printed as an {@link ServerMessage.IteratorOutput}: on
 * {@link #readAll()}, every iterator through a fresh iterator, one after the other. A read is bounded: at most
 * {@link ServerMessage#MAX_ITERATOR_BYTES} bytes (then {@code truncated}) and {@link #WAIT_MS} ms. The kernel runs the
 * program inside read(2), which nothing can interrupt, so a read that outlasts its time is left to finish on its own
 * thread: what came before is sent ({@code timedOut}) and that iterator is not read again until it has finished.
 */
final class IteratorReads implements AutoCloseable {
    static final long WAIT_MS = 5000;
    private static final int CHUNK_BYTES = 64 * 1024;

    private final List<BpfIterator> iterators;
    private final Output output;
    /** Reads one request at a time, in order; the only thread that touches {@link #reads} and {@link #stuck}. */
    private final ExecutorService turns = Executors.newSingleThreadExecutor(Daemons.factory("iterator-reads"));
    /** Where read(2) runs: a read stuck in the kernel keeps its thread, the others go on. */
    private final ExecutorService kernel = Executors.newCachedThreadPool(Daemons.factory("iterator-read"));
    private final Map<String, Future<?>> stuck = new HashMap<>();
    private int reads;

    IteratorReads(List<BpfIterator> iterators, Output output) {
        this.iterators = List.copyOf(iterators);
        this.output = output;
    }

    /** Reads every iterator once more, in the background; each output is sent when its read ends. */
    void readAll() {
        turns.submit(this::readEach);
    }

    private void readEach() {
        int read = ++reads;
        for (BpfIterator iterator : iterators) {
            Future<?> previous = stuck.get(iterator.program());
            if (previous != null && !previous.isDone()) {
                output.send(new ServerMessage.Error("iterator program '" + iterator.program() + "' was not read again: "
                        + "its previous read has still not ended, " + WAIT_MS / 1000 + " s or more after it began. A "
                        + "program that does a lot of work per object keeps the read in the kernel; print less or "
                        + "loop less, and run it again"));
                continue;
            }
            stuck.remove(iterator.program());
            ServerMessage.IteratorOutput result = readOne(iterator, read);
            if (result != null) {
                output.send(result);
            }
        }
    }

    /** One read of one iterator, bounded; null when it failed (an error was sent instead). */
    private ServerMessage.IteratorOutput readOne(BpfIterator iterator, int read) {
        Text text = new Text(ServerMessage.MAX_ITERATOR_BYTES);
        Future<?> reading = kernel.submit(() -> {
            try (BpfIterator.Reader reader = iterator.open()) {
                byte[] chunk = new byte[CHUNK_BYTES];
                int n;
                while (text.wantsMore() && (n = reader.read(chunk)) > 0) {
                    text.append(chunk, n);
                }
            }
            return null;
        });
        boolean timedOut = false;
        try {
            reading.get(WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            timedOut = true;
            stuck.put(iterator.program(), reading);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            output.send(new ServerMessage.Error(cause instanceof BpfException ? cause.getMessage()
                    : "reading iterator program '" + iterator.program() + "' failed: " + cause));
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        return text.finish(iterator.program(), read, timedOut);
    }

    @Override
    public void close() {
        turns.shutdownNow();
        kernel.shutdownNow(); // a thread inside read(2) stays there until the kernel returns; it is a daemon
    }

    /** Bytes read so far, up to a cap; shared by the reading thread and the one that sends. */
    private static final class Text {
        private final int cap;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private boolean truncated;
        private boolean finished;

        Text(int cap) {
            this.cap = cap;
        }

        synchronized boolean wantsMore() {
            return !truncated && !finished;
        }

        synchronized void append(byte[] chunk, int length) {
            if (finished) {
                return; // sent already (the read timed out): what comes later is thrown away
            }
            int room = cap - bytes.size();
            bytes.write(chunk, 0, Math.min(room, length));
            truncated = length > room;
        }

        /** What was read until now, as the learner sees it; nothing more is taken after this. */
        synchronized ServerMessage.IteratorOutput finish(String program, int read, boolean timedOut) {
            finished = true;
            String decoded = bytes.toString(StandardCharsets.UTF_8); // bad bytes become U+FFFD
            return new ServerMessage.IteratorOutput(program, read, decoded, truncated || timedOut, timedOut);
        }
    }
}
