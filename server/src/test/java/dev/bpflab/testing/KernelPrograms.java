package dev.bpflab.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** What bpftool says is loaded in this kernel, to prove runs leave nothing behind. */
public final class KernelPrograms {
    private KernelPrograms() {
    }

    public static Set<Integer> loadedIds() {
        try {
            Process p = new ProcessBuilder("bpftool", "-j", "prog", "list").redirectErrorStream(false).start();
            byte[] out = p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
            Set<Integer> ids = new HashSet<>();
            for (JsonNode prog : new ObjectMapper().readTree(out)) {
                ids.add(prog.path("id").asInt());
            }
            return ids;
        } catch (IOException e) {
            throw new AssertionError("bpftool prog list failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits until no program outside {@code before} is loaded; returns the leftovers if some remain. */
    public static Set<Integer> leftoversAfter(Set<Integer> before, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        Set<Integer> extra;
        do {
            extra = new HashSet<>(loadedIds());
            extra.removeAll(before);
            if (extra.isEmpty()) {
                return extra;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return extra;
    }
}
