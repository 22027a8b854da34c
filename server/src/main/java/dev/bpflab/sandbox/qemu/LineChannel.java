package dev.bpflab.sandbox.qemu;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One of a VM's line-oriented sockets (the agent's port, the control port): whole lines out, and lines in with a
 * deadline and a length cap. Between lines the socket stays in blocking mode, so it can also be read as a stream.
 */
final class LineChannel {
    private final SocketChannel channel;
    private final Supplier<String> hint;
    private final StringBuilder pending = new StringBuilder();

    /** {@code hint} adds context to a failure, e.g. the guest console's last line (empty for none). */
    LineChannel(SocketChannel channel, Supplier<String> hint) {
        this.channel = channel;
        this.hint = hint;
    }

    SocketChannel channel() {
        return channel;
    }

    /** Writes {@code line} and a newline, all of it. */
    void writeLine(String line) throws IOException {
        ByteBuffer out = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        synchronized (channel) {
            while (out.hasRemaining()) {
                channel.write(out);
            }
        }
    }

    /**
     * The next line without its newline. Fails after {@code timeout}, when the line grows past {@code maxBytes},
     * when the peer closes, or when the thread is interrupted. The socket is polled through a selector and set back to
     * blocking mode afterwards.
     */
    String readLine(Duration timeout, int maxBytes) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        channel.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (true) {
                int newline = pending.indexOf("\n");
                if (newline >= 0) {
                    String line = pending.substring(0, newline);
                    pending.delete(0, newline + 1);
                    return line;
                }
                if (pending.length() > maxBytes) {
                    throw new IOException("the guest sent a line longer than " + maxBytes + " bytes");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("no answer from the guest within " + timeout.toSeconds() + " s" + hint.get());
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("interrupted while waiting for the guest");
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                buffer.clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    throw new IOException("the VM went away" + hint.get());
                }
                pending.append(new String(buffer.array(), 0, n, StandardCharsets.UTF_8));
            }
        } finally {
            channel.configureBlocking(true);
        }
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closed already
        }
    }
}
