package dev.bpflab.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.support.process.Command;
import dev.bpflab.support.process.ProcessResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** What a newcomer sees when the machine is not ready: the agent's first line says what to do, then it exits. */
// Needs root and this machine's kernel, clang and ip: the "kernel" tier (left out by ./mvnw -Pfast).
@Tag("kernel")
class AgentStartupTest {

    private static JsonNode firstLine(List<String> prefix, Map<String, String> env) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                "target/bpflab-agent.jar:target/agent-lib/*", "dev.bpflab.agent.AgentMain"));
        ProcessResult agent = Command.of(command).withEnvironment(env).withTimeout(Duration.ofSeconds(60)).run();
        assertFalse(agent.timedOut(), "the agent exits");
        assertEquals(2, agent.exitCode(), "a failed start exits with status 2");
        return new ObjectMapper().readTree(agent.stdout().lines().findFirst().orElse("{}"));
    }

    @Test
    void withoutRootTheAgentSaysToRunAsRoot() throws Exception {
        JsonNode said = firstLine(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"), Map.of());
        assertEquals("error", said.path("type").asText());
        assertTrue(said.path("message").asText().contains("must run as root"), said.toString());
    }
}
