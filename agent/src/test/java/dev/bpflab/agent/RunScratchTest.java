package dev.bpflab.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run's scratch directory is made when the run starts, not when the agent starts: in the qemu backend the agent
 * is saved ready, and every VM restored from it would otherwise find the same directory name (drawn before the
 * snapshot). Made after the VM wakes, from /dev/urandom, it differs from VM to VM.
 */
// Needs root and this machine's kernel (the agent warms up libbpf and tracefs): the "kernel" tier.
@Tag("kernel")
class RunScratchTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RUN_DIR = Pattern.compile("bpflab-run-[0-9a-f]{16}");

    @TempDir
    Path scratchRoot;

    @Test
    void aReadyAgentHasNoScratchDirectoryAndEachRunGetsItsOwnFreshName() throws Exception {
        String first = runDirectoryOfOneAgent();
        String second = runDirectoryOfOneAgent();
        assertNotEquals(first, second, "two agents started the same way name their run directories differently");
    }

    /** Starts an agent, checks it made nothing before its run, has it run a workload; returns the directory's name. */
    private String runDirectoryOfOneAgent() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", "target/bpflab-agent.jar:target/agent-lib/*", "dev.bpflab.agent.AgentMain")
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("BPFLAB_SCRATCH", scratchRoot.toString());
        Process agent = builder.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
            JsonNode ready = JSON.readTree(out.readLine());
            assertEquals("ready", ready.path("type").asText(), ready.toString());
            assertEquals(List.of(), entries(), "a ready agent (what a VM is saved with) has made no scratch directory");

            OutputStream in = agent.getOutputStream();
            in.write("{\"type\":\"workload\",\"name\":\"write-file\"}\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            JsonNode result = JSON.readTree(out.readLine());
            assertEquals("workload", result.path("type").asText(), result.toString());
            assertTrue(result.path("ok").asBoolean(), result.toString());
            Matcher name = RUN_DIR.matcher(result.path("detail").asText());
            assertTrue(name.find(), "the workload ran in a run directory: " + result);
            assertEquals(List.of(name.group()), entries(), "the run made one directory, the one the workload used");
            assertFalse(Files.getPosixFilePermissions(scratchRoot.resolve(name.group())).stream()
                    .anyMatch(p -> p.name().startsWith("OTHERS") || p.name().startsWith("GROUP")),
                    "only the agent's user may enter it");

            in.close(); // end of input: the agent stops and cleans up
            assertTrue(agent.waitFor(60, TimeUnit.SECONDS), "the agent exits at the end of its input");
            assertEquals(List.of(), entries(), "the run directory goes with the agent");
            return name.group();
        } finally {
            agent.destroyForcibly();
        }
    }

    private List<String> entries() throws Exception {
        try (Stream<Path> files = Files.list(scratchRoot)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
