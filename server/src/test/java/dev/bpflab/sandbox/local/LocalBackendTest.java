package dev.bpflab.sandbox.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.sandbox.AgentListener;
import dev.bpflab.support.process.ProcessTree;
import dev.bpflab.testing.Compilers;
import dev.bpflab.testing.RunClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import dev.bpflab.testing.KernelTest;

/** The local backend's agents leave nothing of a learner's program on the host, however they end. */
@KernelTest
class LocalBackendTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static LocalBackend backend;

    @BeforeAll
    static void start() throws Exception {
        backend = new LocalBackend(Path.of("agent/target/bpflab-agent.jar"), Map.of(), 0, 2);
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    @Test
    void anAgentKilledMidRunLeavesNoScratchBehind() throws Exception {
        AgentProcess agent = attachedAgent();
        Path scratch = agent.scratch();
        assertTrue(hasFileStarting(scratch, "bpflab-run-"), "the agent's run directory is in " + scratch);

        ProcessHandle.of(pid(agent)).orElseThrow().destroyForcibly(); // no chance to clean up after itself
        agent.close();

        assertFalse(Files.exists(scratch), scratch + " is removed with the agent");
    }

    @Test
    void anAgentStoppedNormallyLeavesNoScratchBehind() throws Exception {
        AgentProcess agent = attachedAgent();
        Path scratch = agent.scratch();
        agent.close();
        assertFalse(Files.exists(scratch), scratch + " is removed with the agent");
    }

    /**
     * The agent's output is read in lines of at most {@link AgentChannel#MAX_LINE_BYTES}: a longer one is skipped to
     * its newline without being kept, reported as such, and the line after it still arrives.
     */
    @Test
    void aLineLongerThanTheBoundIsSkippedUnreadAndTheNextOneArrives() throws Exception {
        Path scratch = Files.createTempDirectory("bpflab-agent-");
        String writer = "head -c " + (AgentChannel.MAX_LINE_BYTES + 4096) + " /dev/zero | tr '\\0' x; echo; "
                + "echo '{\"type\":\"phase\",\"phase\":\"loading\"}'";
        AgentProcess agent = new AgentProcess(ProcessTree.start(new ProcessBuilder("sh", "-c", writer)), scratch);
        List<String> heard = new CopyOnWriteArrayList<>();
        CompletableFuture<String> exited = new CompletableFuture<>();
        agent.listen(new AgentListener() {
            @Override
            public void onLine(String line) {
                heard.add(line.length() > 100 ? "a line of " + line.length() : line);
            }

            @Override
            public void onOversizeLine() {
                heard.add("oversize");
            }

            @Override
            public void onExit(String reason) {
                exited.complete(reason);
            }
        });
        exited.get(60, TimeUnit.SECONDS);
        agent.close();
        assertEquals(List.of("oversize", "{\"type\":\"phase\",\"phase\":\"loading\"}"), heard);
    }

    /** An agent with a real program compiled, loaded and attached. */
    private static AgentProcess attachedAgent() throws Exception {
        AgentProcess agent = (AgentProcess) backend.acquire(position -> { });
        CompletableFuture<String> attached = new CompletableFuture<>();
        agent.listen(new AgentListener() {
            @Override
            public void onLine(String line) {
                if (line.contains("\"attached\"")) {
                    attached.complete(line);
                } else if (line.contains("\"failed\"")) {
                    attached.completeExceptionally(new AssertionError("the run failed: " + line));
                }
            }

            @Override
            public void onExit(String reason) {
                attached.completeExceptionally(new AssertionError("the agent exited: " + reason));
            }
        });
        String source = RunClient.program("unlink_events.bpf.c");
        agent.send(JSON.createObjectNode().put("type", "run").put("timeoutSeconds", 120).put("source", source)
                .put("object", Compilers.objectFor(backend, source)).toString());
        attached.get(120, TimeUnit.SECONDS);
        return agent;
    }

    private static long pid(AgentProcess agent) {
        String description = agent.describe(); // "local agent pid N"
        return Long.parseLong(description.substring(description.lastIndexOf(' ') + 1));
    }

    private static boolean hasFileStarting(Path dir, String prefix) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith(prefix));
        }
    }
}
