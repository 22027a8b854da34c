package dev.bpflab.runs;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;

/** The run contract against the local backend: the agent as a child process on this machine's kernel. */
@QuarkusTest
class LocalRunLoopTest extends RunLoopContract {

    @Override
    protected void killSandbox(JsonNode sandboxMessage) {
        String description = sandboxMessage.path("description").asText(); // "local agent pid 1234"
        long pid = Long.parseLong(description.substring(description.lastIndexOf(' ') + 1));
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    }
}
