package dev.bpflab.agent.bpf;

import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects libbpf's own messages ("failed to find tracepoint", ...) so errors can quote them.
 * libbpf has one global print hook; this class owns the JNA callback behind it for the life of the process.
 */
final class LibbpfLog {
    private static final int KEEP_LINES = 200;
    private static final int LIBBPF_DEBUG = 2;
    private static final ArrayDeque<String> RECENT = new ArrayDeque<>();
    // A strong reference: if the callback were collected, libbpf would call freed memory.
    private static final LibBpf.PrintFn CALLBACK = LibbpfLog::print;

    static {
        LibBpf.INSTANCE.libbpf_set_print(CALLBACK);
    }

    private LibbpfLog() {
    }

    static void install() {
        // Class initialisation did the work; this method makes the moment explicit at call sites.
    }

    private static int print(int level, String format, Pointer vaList) {
        try {
            if (level >= LIBBPF_DEBUG) {
                return 0;
            }
            byte[] buffer = new byte[4096];
            int n = LibC.INSTANCE.vsnprintf(buffer, buffer.length, format, vaList);
            String text = new String(buffer, 0, Math.max(0, Math.min(n, buffer.length - 1)), StandardCharsets.UTF_8);
            synchronized (RECENT) {
                for (String line : text.split("\n")) {
                    if (!line.isBlank()) {
                        RECENT.addLast(line.strip());
                    }
                    if (RECENT.size() > KEEP_LINES) {
                        RECENT.removeFirst();
                    }
                }
            }
        } catch (Throwable ignored) {
            // An exception must never cross back into C.
        }
        return 0;
    }

    /** Returns and forgets what libbpf said since the last call. */
    static List<String> drain() {
        synchronized (RECENT) {
            List<String> lines = new ArrayList<>(RECENT);
            RECENT.clear();
            return lines;
        }
    }
}
