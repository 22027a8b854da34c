package dev.bpflab.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.protocol.Diagnostic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compile cache: one compile per program, kept on disk within its bound, shared while in flight. */
class CompileCacheTest {
    private static final CompileResult COMPILED = new CompileResult(new byte[] {0x7f, 'E', 'L', 'F', 1, 2, 3},
            List.of(new Diagnostic(3, 5, "warning", "unused variable 'x'")), "prog.bpf.c:3:5: warning: unused", true);
    private static final CompileResult REJECTED = new CompileResult(null,
            List.of(new Diagnostic(7, 1, "error", "expected ';'")), "prog.bpf.c:7:1: error: expected ';'", true);

    private final List<CompileCache.Outcome> outcomes = new CopyOnWriteArrayList<>();
    private final AtomicInteger compiles = new AtomicInteger();

    private CompletableFuture<CompileResult> compile(CompileResult result) {
        compiles.incrementAndGet();
        return CompletableFuture.completedFuture(result);
    }

    @Test
    void aSecondRequestIsAnsweredFromDiskWithTheSameObjectAndDiagnostics(@TempDir Path dir) throws Exception {
        CompileCache cache = new CompileCache(dir, 1 << 20, outcomes::add);
        cache.get("k1", () -> compile(COMPILED)).join();
        CompileResult again = cache.get("k1", () -> compile(COMPILED)).join();
        assertEquals(1, compiles.get(), "compiled once");
        assertArrayEquals(COMPILED.object(), again.object());
        assertEquals(COMPILED.diagnostics(), again.diagnostics());
        assertEquals(List.of(CompileCache.Outcome.MISS, CompileCache.Outcome.HIT), outcomes);

        CompileCache reopened = new CompileCache(dir, 1 << 20, outcomes::add);
        assertArrayEquals(COMPILED.object(), reopened.get("k1", () -> compile(COMPILED)).join().object(),
                "a restarted server keeps its cache");
        assertEquals(1, compiles.get());
    }

    @Test
    void aFailedCompileIsKeptTooButNotOneALimitStopped(@TempDir Path dir) throws Exception {
        CompileCache cache = new CompileCache(dir, 1 << 20, outcomes::add);
        cache.get("bad", () -> compile(REJECTED)).join();
        CompileResult again = cache.get("bad", () -> compile(REJECTED)).join();
        assertFalse(again.succeeded());
        assertEquals(REJECTED.diagnostics(), again.diagnostics());
        assertEquals(1, compiles.get());

        CompileResult stopped = new CompileResult(null, List.of(new Diagnostic(0, 0, "error", "too slow")), "", false);
        cache.get("slow", () -> compile(stopped)).join();
        cache.get("slow", () -> compile(stopped)).join();
        assertEquals(3, compiles.get(), "a result a limit decided is compiled again next time");
    }

    @Test
    void identicalCompilesInFlightWaitForTheFirst(@TempDir Path dir) throws Exception {
        CompileCache cache = new CompileCache(dir, 1 << 20, outcomes::add);
        CompletableFuture<CompileResult> slow = new CompletableFuture<>();
        List<CompletableFuture<CompileResult>> answers = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            answers.add(cache.get("same", () -> {
                compiles.incrementAndGet();
                return slow;
            }));
        }
        assertEquals(1, compiles.get(), "thirty learners on one program cost one compile");
        assertTrue(answers.stream().noneMatch(CompletableFuture::isDone), "all wait for it");
        slow.complete(COMPILED);
        for (CompletableFuture<CompileResult> answer : answers) {
            assertArrayEquals(COMPILED.object(), answer.join().object());
        }
        assertEquals(29, outcomes.stream().filter(o -> o == CompileCache.Outcome.JOINED).count());
    }

    @Test
    void theLeastRecentlyUsedGoFirstWhenTheCacheIsFull(@TempDir Path dir) throws Exception {
        byte[] object = new byte[40_000];
        CompileResult big = new CompileResult(object, List.of(), "", true);
        CompileCache cache = new CompileCache(dir, 100_000, outcomes::add);
        cache.get("a", () -> compile(big)).join();
        cache.get("b", () -> compile(big)).join();
        cache.get("a", () -> compile(big)).join(); // a is now more recent than b
        cache.get("c", () -> compile(big)).join(); // over the bound: b goes
        assertEquals(3, compiles.get());
        assertTrue(cache.bytes() <= 100_000, "within its bound: " + cache.bytes());
        assertTrue(Files.exists(dir.resolve("a.o")) && Files.exists(dir.resolve("c.o")));
        assertFalse(Files.exists(dir.resolve("b.o")) || Files.exists(dir.resolve("b.json")), "b evicted from disk");
        cache.get("b", () -> compile(big)).join();
        assertEquals(4, compiles.get(), "an evicted program compiles again");
    }

    @Test
    void aDamagedEntryIsCompiledAgain(@TempDir Path dir) throws Exception {
        CompileCache cache = new CompileCache(dir, 1 << 20, outcomes::add);
        cache.get("k", () -> compile(COMPILED)).join();
        Files.writeString(dir.resolve("k.json"), "{not json");
        assertArrayEquals(COMPILED.object(), cache.get("k", () -> compile(COMPILED)).join().object());
        assertEquals(2, compiles.get());
    }
}
