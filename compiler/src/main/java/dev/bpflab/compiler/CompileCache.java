package dev.bpflab.compiler;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.protocol.Diagnostic;
import dev.bpflab.protocol.ServerMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Compile results on disk, by a key that covers everything that decides them ({@link HostCompiler#key}): a class of
 * thirty learners running one starting program costs one compile. Holds the object and the diagnostics of
 * repeatable results only ({@link CompileResult#repeatable()}: a compile a limit stopped may pass when the host is
 * quieter). Bounded on disk: the least recently used entries go first. A compile of a key already in flight is
 * joined, not started again.
 *
 * <p>Files: {@code DIR/<key>.json} (outcome, diagnostics, clang's log, the minimal CO-RE BTF) and
 * {@code DIR/<key>.o} (the object).
 */
public final class CompileCache {
    /** How a request was answered, for metrics. */
    public enum Outcome {
        /** found on disk */
        HIT,
        /** the same compile was already running; its result was shared */
        JOINED,
        /** compiled now */
        MISS
    }

    /** Told how each request was answered. */
    public interface Listener {
        void answered(Outcome outcome);
    }

    /** {@code coreBtf}: the object's minimal CO-RE BTF (base64 in the JSON: a few hundred bytes), or null. */
    private record Entry(boolean compiled, List<Diagnostic> diagnostics, String log, byte[] coreBtf,
            ServerMessage.Instructions instructions) {
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path dir;
    private final long maxBytes;
    private final Listener listener;
    private final Map<String, CompletableFuture<CompileResult>> inFlight = new ConcurrentHashMap<>();
    /** Key → bytes on disk, least recently used first. */
    private final LinkedHashMap<String, Long> index = new LinkedHashMap<>(64, 0.75f, true);
    private long totalBytes;

    /** Opens (or creates) the cache in {@code dir}, keeping at most {@code maxBytes} on disk. */
    public CompileCache(Path dir, long maxBytes, Listener listener) throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.listener = listener;
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path json : files.filter(f -> f.toString().endsWith(".json"))
                    .sorted(Comparator.comparingLong(CompileCache::modified)).toList()) {
                String key = json.getFileName().toString().replace(".json", "");
                index.put(key, Files.size(json) + sizeIfExists(dir.resolve(key + ".o")));
            }
        }
        totalBytes = index.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The result for {@code key}: from disk, from the compile of it already running, or from {@code compile}, whose
     * repeatable result is then kept.
     */
    public CompletableFuture<CompileResult> get(String key, Supplier<CompletableFuture<CompileResult>> compile) {
        CompileResult stored = read(key);
        if (stored != null) {
            listener.answered(Outcome.HIT);
            return CompletableFuture.completedFuture(stored);
        }
        CompletableFuture<CompileResult> mine = new CompletableFuture<>();
        CompletableFuture<CompileResult> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            listener.answered(Outcome.JOINED);
            return running;
        }
        listener.answered(Outcome.MISS);
        CompletableFuture<CompileResult> compiling;
        try {
            compiling = compile.get();
        } catch (RuntimeException e) {
            compiling = CompletableFuture.failedFuture(e);
        }
        compiling.whenComplete((result, failure) -> {
            if (failure == null && result.repeatable()) {
                write(key, result);
            }
            inFlight.remove(key, mine);
            if (failure != null) {
                mine.completeExceptionally(failure);
            } else {
                mine.complete(result);
            }
        });
        return mine;
    }

    /** Entries and bytes on disk now. */
    public synchronized long bytes() {
        return totalBytes;
    }

    public synchronized int entries() {
        return index.size();
    }

    private CompileResult read(String key) {
        synchronized (this) {
            if (index.get(key) == null) { // also marks it as just used
                return null;
            }
        }
        Path json = dir.resolve(key + ".json");
        try {
            Entry entry = JSON.readValue(json.toFile(), Entry.class);
            byte[] object = entry.compiled() ? Files.readAllBytes(dir.resolve(key + ".o")) : null;
            Files.setLastModifiedTime(json, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
            return new CompileResult(object, entry.coreBtf(), entry.diagnostics(), entry.log(), true,
                    entry.instructions());
        } catch (IOException | RuntimeException e) {
            remove(key); // unreadable or half gone: compile again
            return null;
        }
    }

    private void write(String key, CompileResult result) {
        Path json = dir.resolve(key + ".json");
        Path object = dir.resolve(key + ".o");
        try {
            long size = 0;
            if (result.succeeded()) {
                Path partial = dir.resolve(key + ".o.partial");
                Files.write(partial, result.object());
                Files.move(partial, object, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                size += result.object().length;
            }
            Path partial = dir.resolve(key + ".json.partial");
            JSON.writeValue(partial.toFile(), new Entry(result.succeeded(), result.diagnostics(), result.log(),
                    result.coreBtf(), result.instructions()));
            Files.move(partial, json, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            size += Files.size(json);
            List<String> evicted = new ArrayList<>();
            synchronized (this) {
                Long before = index.put(key, size);
                totalBytes += size - (before == null ? 0 : before);
                Iterator<Map.Entry<String, Long>> oldest = index.entrySet().iterator();
                while (totalBytes > maxBytes && oldest.hasNext()) {
                    Map.Entry<String, Long> victim = oldest.next();
                    if (victim.getKey().equals(key)) {
                        continue;
                    }
                    totalBytes -= victim.getValue();
                    evicted.add(victim.getKey());
                    oldest.remove();
                }
            }
            for (String gone : evicted) {
                deleteFiles(gone);
            }
        } catch (IOException e) {
            // Not cached: the next run of this program compiles again.
            deleteFiles(key);
        }
    }

    private void remove(String key) {
        synchronized (this) {
            Long size = index.remove(key);
            if (size != null) {
                totalBytes -= size;
            }
        }
        deleteFiles(key);
    }

    private void deleteFiles(String key) {
        for (String suffix : List.of(".json", ".o")) {
            try {
                Files.deleteIfExists(dir.resolve(key + suffix));
            } catch (IOException ignored) {
                // counted as gone; a stray file is overwritten by the next write of the key
            }
        }
    }

    private static long sizeIfExists(Path file) throws IOException {
        return Files.exists(file) ? Files.size(file) : 0;
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
