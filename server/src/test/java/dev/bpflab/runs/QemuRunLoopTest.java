package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.sandbox.qemu.QemuProfile;
import dev.bpflab.testing.KernelPrograms;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Set;
import dev.bpflab.testing.VmTest;

/** The run contract against the qemu backend: each run in its own Debian guest kernel, under TCG here. */
@QuarkusTest
@TestProfile(QemuProfile.class)
@VmTest
class QemuRunLoopTest extends RunLoopContract {

    @Override
    protected void killSandbox(JsonNode sandboxMessage) {
        ProcessHandle.of(sandboxPid(sandboxMessage)).orElseThrow().destroyForcibly(); // "qemu debian12-vm-7 (…) pid 1234"
    }

    @Override
    protected void assertSandboxGone(JsonNode sandboxMessage, Set<Integer> loadedBefore) throws Exception {
        // The programs lived in the guest's kernel, which dies with its QEMU; the host's kernel never saw them.
        assertProcessEnds(sandboxPid(sandboxMessage));
        assertEquals(Set.of(), KernelPrograms.leftoversAfter(loadedBefore, Duration.ZERO), "nothing loaded on the host");
    }
}
