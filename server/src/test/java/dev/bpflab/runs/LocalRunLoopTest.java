package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.testing.KernelPrograms;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Set;
import dev.bpflab.testing.KernelTest;

/** The run contract against the local backend: the agent as a child process on this machine's kernel. */
@QuarkusTest
@KernelTest
class LocalRunLoopTest extends RunLoopContract {

    @Override
    protected void killSandbox(JsonNode sandboxMessage) {
        ProcessHandle.of(sandboxPid(sandboxMessage)).orElseThrow().destroyForcibly();
    }

    @Override
    protected void assertSandboxGone(JsonNode sandboxMessage, Set<Integer> loadedBefore) throws Exception {
        // The programs ran in this very kernel: bpftool must show none of them any more.
        assertEquals(Set.of(), KernelPrograms.leftoversAfter(loadedBefore, SOON), "programs left loaded");
        assertProcessEnds(sandboxPid(sandboxMessage));
    }
}
