package dev.bpflab.sandbox.qemu;

import dev.bpflab.support.threads.Daemons;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jboss.logging.Logger;

/**
 * Reads the serial consoles of every VM of this server on one thread (a {@link Selector}): a console must be read or
 * its guest stalls, but after boot a guest writes there only emergencies and the agent's stderr, so a thread per VM
 * (pooled ones included) cost threads for nothing. What is read goes to each console's {@link ConsoleTail}.
 */
final class ConsoleReader {
    private static final Logger LOG = Logger.getLogger(ConsoleReader.class);
    /** The server's one reader, started with the first console. */
    static final ConsoleReader SHARED = new ConsoleReader();

    private final Queue<Registration> added = new ConcurrentLinkedQueue<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(4096); // only the reader's thread touches it
    private Selector selector; // guarded by this until started, then the reader's thread's

    private record Registration(SocketChannel channel, ConsoleTail tail) {
    }

    private ConsoleReader() {
    }

    /** Reads {@code channel} into {@code tail} until the guest's side closes; the channel is closed then. */
    void read(SocketChannel channel, ConsoleTail tail) throws IOException {
        channel.configureBlocking(false);
        added.add(new Registration(channel, tail));
        selector().wakeup();
    }

    private synchronized Selector selector() throws IOException {
        if (selector == null) {
            selector = Selector.open();
            Daemons.start(this::loop, "qemu-consoles");
        }
        return selector;
    }

    private void loop() {
        while (true) {
            try {
                for (Registration r; (r = added.poll()) != null; ) {
                    r.channel().register(selector, SelectionKey.OP_READ, r.tail());
                }
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    drain(key);
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                // One console's trouble must not stop the others': logged, and the loop goes on.
                LOG.warnf("reading the VMs' consoles: %s", e.toString());
            }
        }
    }

    private void drain(SelectionKey key) {
        SocketChannel channel = (SocketChannel) key.channel();
        ConsoleTail tail = (ConsoleTail) key.attachment();
        try {
            int n;
            while ((n = channel.read(buffer.clear())) > 0) {
                tail.append(buffer.array(), n);
            }
            if (n < 0) {
                end(key, channel, tail);
            }
        } catch (IOException e) {
            end(key, channel, tail); // QEMU is gone
        }
    }

    private static void end(SelectionKey key, SocketChannel channel, ConsoleTail tail) {
        key.cancel();
        try {
            channel.close();
        } catch (IOException ignored) {
            // closed either way
        }
        tail.ended();
    }
}
