package dev.bpflab.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.support.process.Command;
import dev.bpflab.support.process.ProcessResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** What bpftool says is loaded in this kernel, to prove runs leave nothing behind. */
public final class KernelPrograms {
    private KernelPrograms() {
    }

    public static Set<Integer> loadedIds() {
        try {
            ProcessResult result = Command.of("bpftool", "-j", "prog", "list").withTimeout(Duration.ofSeconds(10))
                    .withOutputCap(Command.MAX_OUTPUT_CAP).run();
            if (!result.succeeded() || result.truncated()) {
                throw new AssertionError("bpftool prog list failed: " + result);
            }
            Set<Integer> ids = new HashSet<>();
            for (JsonNode prog : new ObjectMapper().readTree(result.stdout())) {
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

    /** The processes that have the kernel's trace_pipe open now, as "pid command", for a failure message. */
    public static List<String> tracePipeReaders() {
        List<String> readers = new ArrayList<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : (Iterable<Path>) processes::iterator) {
                if (!process.getFileName().toString().matches("\\d+")) {
                    continue;
                }
                try (Stream<Path> fds = Files.list(process.resolve("fd"))) {
                    boolean reads = fds.anyMatch(fd -> {
                        try {
                            return Files.readSymbolicLink(fd).toString().endsWith("/trace_pipe");
                        } catch (IOException gone) {
                            return false;
                        }
                    });
                    if (reads) {
                        String command = Files.readString(process.resolve("cmdline")).replace('\0', ' ').strip();
                        readers.add(process.getFileName() + " " + command.substring(0, Math.min(160, command.length())));
                    }
                } catch (IOException | UncheckedIOException gone) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            readers.add("(could not list /proc: " + e.getMessage() + ")");
        }
        return readers;
    }
}
