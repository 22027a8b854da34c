package dev.bpflab.support.process;

import static dev.bpflab.support.process.Processes.assertAllGone;
import static dev.bpflab.support.process.Processes.pids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner with real programs: what they print, how they end, and that its limits hold. */
class ProcessRunnerTest {
    private static final Duration SHORT = Duration.ofMillis(500);

    @Test
    void exitCodesAreReported() throws Exception {
        ProcessResult ok = Command.of("true").run();
        assertEquals(0, ok.exitCode());
        assertTrue(ok.succeeded());

        ProcessResult three = Command.of("sh", "-c", "exit 3").run();
        assertEquals(3, three.exitCode());
        assertFalse(three.timedOut());
        assertFalse(three.succeeded());
    }

    @Test
    void stdoutAndStderrAreKeptApartUnlessMerged() throws Exception {
        String script = "echo out; echo err >&2; echo more";
        ProcessResult apart = Command.of("sh", "-c", script).run();
        assertEquals("out\nmore\n", apart.stdout());
        assertEquals("err\n", apart.stderr());
        assertEquals("out\nmore\nerr", apart.output());

        ProcessResult merged = Command.of("sh", "-c", script).withStderrMerged().run();
        assertEquals("out\nerr\nmore\n", merged.stdout());
        assertEquals("", merged.stderr());
    }

    @Test
    void stdinEnvironmentAndDirectoryReachTheProgram(@TempDir Path dir) throws Exception {
        ProcessResult result = Command.of("sh", "-c", "cat; echo \"$GREETING\"; pwd").withStdin("from stdin\n")
                .withEnvironment(Map.of("GREETING", "hello")).inDirectory(dir).run();
        assertEquals("from stdin\nhello\n" + dir.toRealPath() + "\n", result.stdout());
    }

    @Test
    void withoutStdinAProgramReadsEndOfInputInsteadOfWaiting() throws Exception {
        ProcessResult result = Command.of("cat").withTimeout(Duration.ofSeconds(5)).run();
        assertFalse(result.timedOut(), "cat saw the end of its input");
        assertEquals("", result.stdout());
    }

    @Test
    void muchInputForAProgramThatNeverReadsItDoesNotBlock() throws Exception {
        ProcessResult result = Command.of("true").withStdin(new byte[8 * 1024 * 1024]).withTimeout(Duration.ofSeconds(5))
                .run();
        assertTrue(result.succeeded(), result.toString());
    }

    @Test
    void aHangingProgramIsKilledAtItsLimit() throws Exception {
        ProcessResult result = Command.of("sh", "-c", "echo $$; exec sleep 300").withTimeout(SHORT).run();
        assertTrue(result.timedOut());
        assertEquals(137, result.exitCode(), "ended by SIGKILL");
        assertTrue(result.elapsed().compareTo(Duration.ofSeconds(3)) < 0, "took " + result.elapsed());
        assertAllGone(pids(result.stdout()));
    }

    @Test
    void aGrandchildHoldingTheOutputOpenDoesNotOutlastTheLimit() throws Exception {
        // sh exits after 0.2 s; the background sleep inherited stdout and would keep the pipe open for 300 s
        ProcessResult result = Command.of("sh", "-c", "sleep 300 & echo $!; sleep 0.2").withTimeout(Duration.ofSeconds(1))
                .run();
        assertTrue(result.timedOut(), "the output was not closed in time");
        assertEquals(0, result.exitCode(), "sh itself had exited normally");
        assertTrue(result.elapsed().compareTo(Duration.ofSeconds(4)) < 0, "took " + result.elapsed());
        List<Long> grandchild = pids(result.stdout());
        assertEquals(1, grandchild.size(), result.stdout());
        assertAllGone(grandchild);
    }

    @Test
    void aFinishedCommandLeavesNothingRunning() throws Exception {
        ProcessResult result = Command.of("sh", "-c", "sleep 300 >/dev/null 2>&1 & echo $!").withTimeout(SHORT).run();
        assertTrue(result.succeeded(), "sh closed its output and exited: " + result);
        assertAllGone(pids(result.stdout()));
    }

    @Test
    void theTreeKillLeavesNoDescendants() throws Exception {
        // children, a grandchild under a live parent, and an orphan whose parent already exited
        String script = "sleep 300 & echo $!; "
                + "sh -c 'sleep 300 & echo $!; wait' & echo $!; "
                + "sh -c 'sleep 300 & echo $!' ; "
                + "sleep 300";
        ProcessResult result = Command.of("sh", "-c", script).withTimeout(Duration.ofSeconds(1)).run();
        assertTrue(result.timedOut());
        List<Long> started = pids(result.stdout());
        assertEquals(4, started.size(), "every background pid was printed: " + result.stdout());
        assertAllGone(started);
    }

    @Test
    void theOutputCapKeepsTheFirstBytesAndCountsTheRest() throws Exception {
        ProcessResult result = Command.of("sh", "-c", "yes | head -c 1000000").withOutputCap(1000).run();
        assertTrue(result.succeeded(), result.toString());
        assertEquals("y\n".repeat(500), result.stdout());
        assertTrue(result.truncated());
        assertEquals(999_000, result.discardedBytes());
    }

    @Test
    void endlessOutputStaysWithinTheCapUntilTheLimit() throws Exception {
        ProcessResult result = Command.of("yes").withOutputCap(4096).withTimeout(SHORT).run();
        assertTrue(result.timedOut());
        assertEquals(4096, result.stdout().length());
        assertTrue(result.discardedBytes() > 1_000_000, "yes wrote much more, read and dropped: " + result.discardedBytes());
    }

    @Test
    void aMissingProgramCannotStart() {
        assertThrows(IOException.class, () -> Command.of("/nonexistent/bpflab-no-such-program").run());
    }

    @Test
    void anInterruptedWaitKillsTheProgram(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("pid");
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                Command.of("sh", "-c", "echo $$ > pid.part && mv pid.part pid; exec sleep 300").inDirectory(dir)
                        .withTimeout(Duration.ofMinutes(5)).run();
                outcome.complete(null);
            } catch (Exception e) {
                outcome.complete(e);
            }
        });
        waiter.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Files.exists(pidFile)) {
            assertTrue(System.nanoTime() < deadline, "the script wrote its pid");
            Thread.sleep(10);
        }
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        waiter.interrupt();
        assertTrue(outcome.get(5, TimeUnit.SECONDS) instanceof InterruptedException);
        assertAllGone(List.of(pid));
    }

    @Test
    void badCommandsAreRefusedWhenBuilt() {
        assertThrows(IllegalArgumentException.class, () -> Command.of(List.of()));
        assertThrows(IllegalArgumentException.class, () -> Command.of("true").withTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> Command.of("true").withOutputCap(-1));
    }
}
