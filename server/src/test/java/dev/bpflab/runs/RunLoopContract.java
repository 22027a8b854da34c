package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.testing.KernelPrograms;
import dev.bpflab.testing.RunClient;
import dev.bpflab.testing.SandboxContract;
import dev.bpflab.testing.Scrape;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The /ws/run contract on a real kernel, shared by every sandbox backend: each backend's test class extends this
 * with its own Quarkus profile.
 */
public abstract class RunLoopContract extends SandboxContract {
    protected static final Duration START = Duration.ofSeconds(90);
    protected static final Duration SOON = Duration.ofSeconds(20);

    @Test
    void unlinkatEventArrivesDecodedWithTheRemovedFilename() {
        try (RunClient run = client()) {
            run.run(RunClient.program("unlink_events.bpf.c"));
            run.awaitPhase("attached", START);
            run.workload("unlink-file");
            JsonNode event = run.await("an unlinkat event from rm", m -> "event".equals(m.path("type").asText())
                    && m.path("fields").path("filename").asText().endsWith("/victim.txt")
                    && "rm".equals(m.path("fields").path("comm").asText()), SOON);
            assertEquals("events", event.path("map").asText());
            assertTrue(event.path("fields").path("pid").asInt() > 0, event.toString());
            run.await("the workload's answer", m -> "workload".equals(m.path("type").asText()) && m.path("ok").asBoolean(),
                    SOON);
            run.stop();
            run.awaitPhase("stopped", SOON);
        }
    }

    /**
     * The workload is fired again while no line came: on the local backend the kernel's one trace_pipe is shared by
     * the host, and another reader (an agent of another server or test JVM on its way out) may take a line or hold
     * the pipe a while; the failure then names who holds it.
     */
    @Test
    void bpfPrintkLineArrivesAsPrintk() {
        Predicate<JsonNode> printkOfTheWorkload = m -> "printk".equals(m.path("type").asText())
                && m.path("text").asText().startsWith("unlinkat ") && m.path("text").asText().endsWith("victim.txt");
        try (RunClient run = client()) {
            run.run(RunClient.program("unlink_events.bpf.c"));
            run.awaitPhase("attached", START);
            JsonNode printk = null;
            for (int attempt = 0; attempt < 6 && printk == null; attempt++) {
                run.workload("unlink-file");
                try {
                    printk = run.await("a printk line", printkOfTheWorkload, Duration.ofSeconds(5));
                } catch (AssertionError none) {
                    // fire again
                }
            }
            assertNotNull(printk, "no printk line after 6 workloads; trace_pipe readers on this host: "
                    + KernelPrograms.tracePipeReaders() + "; the server said:\n" + run.seen());
            assertTrue(printk.path("pid").asInt() > 0, printk.toString());
        }
    }

    @Test
    void hashMapSnapshotsShowCountsPerCommand() {
        try (RunClient run = client()) {
            run.run(RunClient.program("count_chmod.bpf.c"));
            run.awaitPhase("attached", START);
            run.workload("chmod-file");
            run.workload("chmod-file");
            JsonNode map = run.await("a map snapshot counting chmod twice", m -> "map".equals(m.path("type").asText())
                    && "counts".equals(m.path("name").asText()) && countFor(m, "chmod") >= 2, SOON);
            assertTrue(map.path("entries").isArray());
        }
    }

    private static long countFor(JsonNode map, String comm) {
        for (JsonNode entry : map.path("entries")) {
            if (comm.equals(entry.path("key").path("comm").asText())) {
                return entry.path("value").asLong();
            }
        }
        return 0;
    }

    @Test
    void perfBufferRecordsStreamAndConstVolatileGlobalsCanBeSet() {
        try (RunClient run = client()) {
            run.send(new ObjectMapper().createObjectNode().put("type", "run")
                    .put("source", RunClient.program("perf_exec.bpf.c"))
                    .set("globals", new ObjectMapper().createObjectNode().put("tag", 4242)));
            run.awaitPhase("attached", START);
            run.workload("exec-true");
            JsonNode event = run.await("a perf buffer event tagged 4242", m -> "event".equals(m.path("type").asText())
                    && m.path("fields").path("tag").asInt() == 4242, SOON);
            assertFalse(event.path("fields").path("comm").asText().isEmpty(), event.toString());
        }
    }

    @Test
    void aFloodIsShedAndReportedWhenTheBrowserCannotKeepUp() throws InterruptedException {
        try (RunClient run = client()) {
            run.run(RunClient.program("flood.bpf.c"));
            run.awaitPhase("attached", START);
            run.awaitType("event", SOON);
            run.pauseReading();
            Thread.sleep(3000); // every system call on the machine makes an event meanwhile
            run.resumeReading();
            JsonNode dropped = run.awaitType("dropped", SOON);
            assertTrue(dropped.path("count").asLong() > 0, dropped.toString());
            run.stop();
            run.awaitPhase("stopped", SOON);
        }
    }

    @Test
    void whenTheAgentDiesTheRunEndsWithAClearMessage() throws Exception {
        try (RunClient run = client()) {
            run.run(RunClient.program("unlink_events.bpf.c"));
            JsonNode sandbox = run.awaitType("sandbox", START);
            run.awaitPhase("attached", START);
            killSandbox(sandbox);
            JsonNode error = run.await("an error about the sandbox", m -> "error".equals(m.path("type").asText())
                    && m.path("message").asText().contains("ended unexpectedly"), SOON);
            run.awaitPhase("failed", SOON);
            assertFalse(error.path("message").asText().isBlank());
        }
        try (RunClient run = client()) { // the server carries on
            run.run(RunClient.program("unlink_events.bpf.c"));
            run.awaitPhase("attached", START);
        }
    }

    /** Kills the sandbox a run is in, as a crash would: the local agent process, or the VM. */
    protected abstract void killSandbox(JsonNode sandboxMessage) throws Exception;

    /**
     * What an operator's dashboard sees of runs: how each ended, when it reached each phase, and that a class running
     * one program compiles it once.
     */
    @Test
    void runsShowInTheMetricsAndARepeatedProgramIsNotCompiledAgain() {
        List<Scrape.Sample> before = Scrape.scrape();
        String program = RunClient.program("unlink_events.bpf.c") + "\n// metrics " + System.nanoTime() + "\n";
        for (int i = 0; i < 2; i++) {
            try (RunClient run = client()) {
                run.run(program);
                run.awaitPhase("attached", START);
                run.stop();
                run.awaitPhase("stopped", SOON);
            }
        }
        try (RunClient run = client()) {
            run.run(RunClient.program("syntax_error.bpf.c"));
            run.awaitPhase("failed", START);
        }
        List<Scrape.Sample> after = Scrape.scrape();
        assertEquals(2, Scrape.delta(before, after, "bpflab_runs_total", "outcome", "attached-then-stopped"));
        assertEquals(1, Scrape.delta(before, after, "bpflab_runs_total", "outcome", "failed-compile"));
        assertEquals(2, Scrape.delta(before, after, "bpflab_run_phase_seconds_count", "phase", "attached"));
        assertEquals(3, Scrape.delta(before, after, "bpflab_run_phase_seconds_count", "phase", "compiling"));
        assertTrue(Scrape.delta(before, after, "bpflab_compile_cache_total", "result", "miss") >= 1,
                "the new program was compiled");
        assertTrue(Scrape.delta(before, after, "bpflab_compile_cache_total", "result", "hit") >= 1,
                "the second run of the same program came from the compile cache");
        assertTrue(Scrape.delta(before, after, "bpflab_queue_wait_seconds_count") >= 2, "both runs got a sandbox");
    }

    @Test
    void syntaxErrorComesBackAtItsLineAndColumn() {
        try (RunClient run = client()) {
            run.run(RunClient.program("syntax_error.bpf.c"));
            JsonNode diagnostics = run.awaitType("diagnostics", START);
            assertEquals("compile", diagnostics.path("stage").asText());
            JsonNode first = diagnostics.path("items").get(0);
            assertEquals(9, first.path("line").asInt(), diagnostics.toString());
            assertEquals(11, first.path("column").asInt(), diagnostics.toString());
            assertEquals("error", first.path("severity").asText());
            assertTrue(first.path("message").asText().contains("expected ';'"), first.toString());
            run.awaitPhase("failed", SOON);
        }
    }

    /** A program that could rewrite the agent's output (and so its own grade) is refused before a sandbox sees it. */
    @Test
    void aProgramThatCouldRewriteTheAgentsOutputIsRefusedOnItsLineAndNeverLoaded() {
        try (RunClient run = client()) {
            run.run(RunClient.program("rewrite_agent_output.bpf.c"));
            JsonNode diagnostics = run.awaitType("diagnostics", START);
            assertEquals("compile", diagnostics.path("stage").asText(), diagnostics.toString());
            JsonNode first = diagnostics.path("items").get(0);
            assertEquals(22, first.path("line").asInt(), diagnostics.toString());
            assertTrue(first.path("message").asText().startsWith("bpf_probe_write_user is not allowed in this lab"),
                    first.toString());
            run.awaitPhase("failed", SOON);
            assertFalse(run.seen().stream().anyMatch(m -> RunClient.isPhase(m, "loading")),
                    "the agent was never sent the object: " + run.seen());
        }
    }

    @Test
    void verifierRejectionPointsAtTheSourceLine() {
        try (RunClient run = client()) {
            run.run(RunClient.program("null_deref.bpf.c"));
            JsonNode diagnostics = run.awaitType("diagnostics", START);
            assertEquals("verify", diagnostics.path("stage").asText(), diagnostics.toString());
            JsonNode first = diagnostics.path("items").get(0);
            assertEquals(20, first.path("line").asInt(), diagnostics.toString());
            assertTrue(first.path("message").asText().contains("invalid mem access"), first.toString());
            assertTrue(diagnostics.path("log").asText().contains("processed"), "the raw verifier log is included");
            // The level-1 log carries the state the page's verifier view reads: the lookup's call says what R0 became.
            assertTrue(diagnostics.path("log").asText().matches("(?s).*call bpf_map_lookup_elem#1 +; R0(_w)?=map_value_or_null\\(.*"),
                    diagnostics.path("log").asText());
            assertTrue(diagnostics.path("logCut").isMissingNode(), diagnostics.toString());
            run.awaitPhase("failed", SOON);
        }
    }

    /** A walk longer than the page is sent (a loop the verifier unrolls) arrives as its end, saying how much went. */
    @Test
    void aVerifierLogPastTheCapArrivesAsItsEndWithTheCharactersLeftOut() {
        try (RunClient run = client()) {
            run.run(RunClient.program("long_walk.bpf.c"));
            JsonNode diagnostics = run.awaitType("diagnostics", START);
            String log = diagnostics.path("log").asText();
            assertEquals(ServerMessage.MAX_LOG_CHARS, log.length(), "the log is cut to the cap");
            assertTrue(diagnostics.path("logCut").asInt() > 100_000, diagnostics.path("logCut").toString());
            assertTrue(log.contains("R0 invalid mem access 'map_value_or_null'") && log.contains("processed "),
                    "the end is kept: " + log.substring(log.length() - 300));
            assertEquals(25, diagnostics.path("items").get(0).path("line").asInt(), diagnostics.path("items").toString());
            run.awaitPhase("failed", SOON);
        }
    }

    @Test
    void nothingStaysLoadedAfterStopOrDisconnect() throws Exception {
        Set<Integer> before = KernelPrograms.loadedIds();
        JsonNode sandbox;
        try (RunClient run = client()) {
            run.run(RunClient.program("unlink_events.bpf.c"));
            sandbox = run.awaitType("sandbox", START);
            run.awaitPhase("attached", START);
            run.stop();
            run.awaitPhase("stopped", SOON);
        }
        assertSandboxGone(sandbox, before);
        try (RunClient run = client()) {
            run.run(RunClient.program("count_chmod.bpf.c"));
            sandbox = run.awaitType("sandbox", START);
            run.awaitPhase("attached", START);
        } // closing the socket without stop
        assertSandboxGone(sandbox, before);
    }

    /**
     * After a run, nothing of it may remain: its programs unloaded from the kernel they ran in, and its sandbox
     * (agent process, VM) gone. {@code loadedBefore} is what this host's kernel had loaded before the run.
     */
    protected abstract void assertSandboxGone(JsonNode sandboxMessage, Set<Integer> loadedBefore) throws Exception;

    protected static long sandboxPid(JsonNode sandboxMessage) {
        String description = sandboxMessage.path("description").asText(); // "... pid 1234"
        return Long.parseLong(description.substring(description.lastIndexOf(' ') + 1));
    }

    protected static void assertProcessEnds(long pid) throws InterruptedException {
        for (int i = 0; i < 100 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(100);
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "sandbox process " + pid + " ended");
    }

    @Test
    void hostileIncludesFailFastWithoutLeakingContent() {
        String[] attempts = {
            "#include \"/etc/shadow\"\n",
            "%:include \"/etc/passwd\"\n",
            "#include \"/proc/self/root/etc/passwd\"\n",
            "#include </dev/zero>\n",
            "??=include \"/etc/passwd\"\n",
            "#inc\\\nlude \"/etc/passwd\"\n",
            "asm(\".incbin \\\"/etc/passwd\\\"\");\n",
        };
        for (String attempt : attempts) {
            try (RunClient run = client()) {
                long started = System.nanoTime();
                run.run(attempt + "int x;\n");
                run.await("a compile failure for " + attempt.strip(), m -> RunClient.isPhase(m, "failed"), START);
                String everything = run.seen().toString();
                assertFalse(everything.contains("root:x:0:0"), "passwd content leaked for " + attempt);
                assertTrue(run.seen().stream().anyMatch(m -> "diagnostics".equals(m.path("type").asText())
                        && "compile".equals(m.path("stage").asText())), "a compile diagnostic for " + attempt);
                assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(60)) < 0);
            }
        }
    }

    @Test
    void badMessagesGetClearErrorsAndTheConnectionStaysUsable() {
        try (RunClient run = client()) {
            run.sendRaw("this is not json");
            assertTrue(run.awaitType("error", SOON).path("message").asText().contains("not JSON"));
            // Larger than Vert.x's default 64 KiB frame, larger than the contract's limit: an answer, not a hang-up.
            run.sendRaw("{\"type\":\"run\",\"source\":\"" + "/".repeat(300_000) + "\"}");
            run.await("a too-long error", m -> m.path("message").asText().startsWith("the message is 300"), SOON);
            run.sendRaw("{\"type\":\"launch\"}");
            run.await("an unknown-type error", m -> m.path("message").asText().contains("unknown message type"), SOON);
            run.sendRaw("{\"type\":\"run\",\"source\":\"  \"}");
            run.await("a no-program error", m -> m.path("message").asText().contains("no program"), SOON);
            run.workload("unlink-file");
            run.await("a start-a-run-first error", m -> m.path("message").asText().contains("start a run first"), SOON);
            run.run(RunClient.program("unlink_events.bpf.c"));
            run.awaitPhase("attached", START);
            run.workload("format-disk");
            JsonNode refusal = run.await("an unknown-workload error", m -> "error".equals(m.path("type").asText())
                    && m.path("message").asText().contains("format-disk"), SOON);
            assertTrue(refusal.path("message").asText().contains("must be one of [create-file"), refusal.toString());
            run.workload("unlink-file"); // the program is still attached and answers
            run.await("an unlinkat event", m -> "event".equals(m.path("type").asText()), SOON);
        }
    }

    @Test
    void aRunStopsAtItsTimeLimitOnceAndCleanly() {
        try (RunClient run = client()) {
            run.sendRaw("{\"type\":\"run\",\"source\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(
                    RunClient.program("unlink_events.bpf.c")) + ",\"timeoutSeconds\":3}");
            run.awaitPhase("attached", START);
            long attachedAt = System.nanoTime();
            JsonNode end = run.await("the run's end", m -> RunClient.isPhase(m, "stopped") || RunClient.isPhase(m, "failed"),
                    SOON);
            assertEquals("stopped", end.path("phase").asText(), "a time limit is a normal end: " + run.seen());
            assertTrue(Duration.ofNanos(System.nanoTime() - attachedAt).compareTo(Duration.ofSeconds(9)) < 0,
                    "stopped about when the 3 s were up, not at the server's backstop (limit + 10 s)");
            assertEquals(1, run.seen().stream().filter(m -> m.path("message").asText().contains("time limit of 3 s"))
                    .count(), "one time-limit error: " + run.seen());
        }
    }

    @Test
    void aBadRunIsRefusedWithoutTouchingTheRunningProgram() {
        try (RunClient run = client()) {
            run.run(RunClient.program("unlink_events.bpf.c"));
            run.awaitPhase("attached", START);
            int before = run.seen().size();
            run.sendRaw("{\"type\":\"run\",\"source\":\"int x;\",\"globals\":{\"tag\":{\"nested\":1}}}");
            JsonNode refusal = run.await("a globals error", m -> "error".equals(m.path("type").asText()), SOON);
            assertTrue(refusal.path("message").asText().contains("global 'tag' must be a number"), refusal.toString());
            run.sendRaw("{\"type\":\"run\",\"source\":\"int x;\",\"timeoutSeconds\":999999}");
            run.await("a timeout error", m -> m.path("message").asText().contains("timeoutSeconds must be between"), SOON);
            run.workload("unlink-file");
            run.await("an event from the program that was running all along", m -> "event".equals(m.path("type").asText())
                    && m.path("fields").path("filename").asText().endsWith("/victim.txt"), SOON);
            assertTrue(run.seen().subList(before, run.seen().size()).stream().noneMatch(m -> "phase".equals(
                    m.path("type").asText())), "no phase changed: " + run.seen().subList(before, run.seen().size()));
        }
    }
}
