package dev.bpflab.agent.workloads;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A workload's command gets 10 s. One that hangs, or leaves a child behind that keeps its output open, is stopped at
 * the limit and the learner is told so, instead of the workload (and the agent's single workload thread) hanging.
 */
class WorkloadTimeLimitTest {
    /** The limit plus room for killing and a slow machine; the old code waited for the command's own end. */
    private static final Duration PATIENCE = Duration.ofSeconds(16);

    @Test
    void aHangingCommandIsStoppedAtItsLimit(@TempDir Path scratch) {
        Workload hangs = new FileWorkload(dev.bpflab.protocol.Workload.EXEC_TRUE, false,
                file -> new String[] {"sleep", "600"});
        WorkloadException e = assertTimeoutPreemptively(PATIENCE,
                () -> assertThrows(WorkloadException.class, () -> hangs.run(scratch)));
        assertTrue(e.getMessage().startsWith("sleep 600 did not finish within 10 s"), e.getMessage());
    }

    @Test
    void aGrandchildHoldingTheOutputOpenIsStoppedAtTheLimit(@TempDir Path scratch) throws Exception {
        // sh is done after a second, but its background child still holds the output pipe
        Workload leavesChild = new FileWorkload(dev.bpflab.protocol.Workload.EXEC_TRUE, false,
                file -> new String[] {"sh", "-c", "sleep 600 & echo $! > grandchild.pid; echo started; sleep 1"});
        WorkloadException e = assertTimeoutPreemptively(PATIENCE,
                () -> assertThrows(WorkloadException.class, () -> leavesChild.run(scratch)));
        assertTrue(e.getMessage().contains("did not finish within 10 s"), e.getMessage());

        long grandchild = Long.parseLong(Files.readString(scratch.resolve("grandchild.pid")).strip());
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (running(grandchild) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(running(grandchild), "the grandchild was killed with its parent's command");
    }

    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
