package dev.bpflab.sandbox.qemu;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The last few KiB the guest wrote to its serial console, read by the server's {@link ConsoleReader} (a console nobody
 * reads would stall the guest). After boot the guest prints only emergencies there (a panic) and the agent's stderr.
 */
final class ConsoleTail {
    private static final int KEPT = 16 * 1024;

    private final StringBuilder text = new StringBuilder();
    private final CountDownLatch end = new CountDownLatch(1);

    /** Keeps the tail of what {@code console} says, until QEMU closes it. */
    ConsoleTail(SocketChannel console) throws IOException {
        ConsoleReader.SHARED.read(console, this);
    }

    /** {@code n} bytes of {@code bytes} more were read. */
    void append(byte[] bytes, int n) {
        String chunk = new String(bytes, 0, n, StandardCharsets.UTF_8);
        synchronized (text) {
            text.append(chunk);
            if (text.length() > KEPT) {
                text.delete(0, text.length() - KEPT);
            }
        }
    }

    /** The console was read to its end: QEMU closed it. */
    void ended() {
        end.countDown();
    }

    /** Waits a little for the console to be read to its end (QEMU exited), so a last panic line is not missed. */
    void awaitEnd(long millis) {
        try {
            end.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
    String text() {
        synchronized (text) {
            return text.toString();
        }
    }

    /** The first console line containing {@code marker}, or null. */
    String lineWith(String marker) {
        for (String line : text().split("\r?\n")) {
            int at = line.indexOf(marker);
            if (at >= 0) {
                return line.substring(at).strip();
            }
        }
        return null;
    }

    /** The last non-empty line, or "". */
    String lastLine() {
        String[] lines = text().strip().split("\r?\n");
        return lines.length == 0 ? "" : lines[lines.length - 1].replaceFirst("^\\[\\s*[0-9.]+\\]\\s*", "").strip();
    }
}
