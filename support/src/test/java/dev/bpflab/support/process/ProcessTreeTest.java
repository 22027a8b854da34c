package dev.bpflab.support.process;

import static dev.bpflab.support.process.Processes.assertAllGone;
import static dev.bpflab.support.process.Processes.running;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A tree finds what its process started, even after the parent is gone, and nothing else. */
class ProcessTreeTest {

    @Test
    void anOrphanedGrandchildIsStillAMemberAndIsKilled() throws Exception {
        ProcessTree tree = ProcessTree.start(new ProcessBuilder("sh", "-c", "sleep 300 & echo $!")
                .redirectError(ProcessBuilder.Redirect.DISCARD));
        long orphan;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(tree.process().getInputStream()))) {
            orphan = Long.parseLong(out.readLine().strip());
            assertTrue(tree.process().waitFor(5, TimeUnit.SECONDS), "sh exited, leaving its child to init");
            assertFalse(tree.process().toHandle().descendants().anyMatch(p -> p.pid() == orphan),
                    "the JDK no longer counts it as a descendant");
            assertTrue(tree.members().stream().anyMatch(p -> p.pid() == orphan), "the mark still ties it to the tree");

            assertEquals(1, tree.kill());
        }
        assertAllGone(List.of(orphan));
        assertTrue(tree.members().isEmpty());
    }

    @Test
    void aProcessStartedElsewhereIsNeverAMember() throws Exception {
        Process stranger = new ProcessBuilder("sleep", "300").start();
        ProcessTree tree = ProcessTree.start(new ProcessBuilder("sleep", "300"));
        try {
            assertTrue(tree.members().stream().anyMatch(p -> p.pid() == tree.pid()));
            assertFalse(tree.members().stream().anyMatch(p -> p.pid() == stranger.pid()));
            tree.kill();
            assertAllGone(List.of(tree.pid()));
            assertTrue(running(stranger.pid()), "the stranger was left alone");
        } finally {
            stranger.destroyForcibly();
        }
    }
}
