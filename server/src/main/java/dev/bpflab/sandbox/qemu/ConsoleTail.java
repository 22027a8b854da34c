package dev.bpflab.sandbox.qemu;

import dev.bpflab.support.threads.Daemons;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The last few KiB the guest wrote to its serial console, read on a thread of its own (a console nobody reads would
 * stall the guest). After boot the guest prints only emergencies there (a panic) and the agent's stderr.
 */
final class ConsoleTail {
    private static final int KEPT = 16 * 1024;

    private final StringBuilder text = new StringBuilder();
    private final Thread reader;

    ConsoleTail(InputStream console, String name) {
        reader = Daemons.start(() -> drain(console), name + "-console");
    }

    private void drain(InputStream console) {
        byte[] buffer = new byte[4096];
        try (console) {
            int n;
            while ((n = console.read(buffer)) > 0) {
                String chunk = new String(buffer, 0, n, StandardCharsets.UTF_8);
                synchronized (text) {
                    text.append(chunk);
                    if (text.length() > KEPT) {
                        text.delete(0, text.length() - KEPT);
                    }
                }
            }
        } catch (IOException ignored) {
            // QEMU is gone
        }
    }

    /** Waits a little for the console to be read to its end (QEMU exited), so a last panic line is not missed. */
    void awaitEnd(long millis) {
        try {
            reader.join(millis);
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
