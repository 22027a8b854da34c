package dev.bpflab.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.protocol.MapEntry;
import dev.bpflab.protocol.RunJson;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which records a learner's program sees of the lab's own processes, as this process (the test JVM) is the agent. */
class LabProcessesTest {
    private static final long OWN = ProcessHandle.current().pid();

    private static JsonNode json(String text) throws Exception {
        return RunJson.mapper().readTree(text);
    }

    @Test
    void theAgentsProcessAndThreadsAndTheNamedPidsAreTheLabsAndOtherProcessesAreNot() throws Exception {
        LabProcesses lab = new LabProcesses(OWN, Set.of(1L));
        assertTrue(lab.names(json("{\"pid\":" + OWN + ",\"comm\":\"java\"}")), "the agent's process");
        assertTrue(lab.names(json("{\"tgid\":1,\"count\":3}")), "a pid the lab named");
        long child = new ProcessBuilder("true").start().pid();
        assertFalse(lab.names(json("{\"pid\":" + child + ",\"comm\":\"true\"}")),
                "a program the agent ran, once it runs it, is what the learner watches");
        assertFalse(lab.names(json(String.valueOf(OWN))), "a bare number is never taken for a pid");
        assertTrue(lab.isLabPid(OWN));
        assertFalse(lab.names(json("{\"ppid\":" + OWN + "}")), "a child's parent id does not make it the lab's");
    }

    @Test
    void aCommandNameIsTheLabsWhenOneOfTheAgentsThreadsHasIt() throws Exception {
        LabProcesses lab = new LabProcesses(OWN, Set.of());
        Thread named = new Thread(() -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // done
            }
        }, "workloads");
        named.setDaemon(true);
        named.start();
        try {
            Thread.sleep(100); // the JVM names the kernel's thread as it starts
            lab.refreshThreadNames();
            assertTrue(lab.names(json("{\"pid\":999999999,\"comm\":\"workloads\"}")),
                    "a process the agent's workloads thread started, before it ran its program");
            assertTrue(lab.names(json("\"" + LabProcesses.AGENT_COMM + "\"")), "a map keyed by command name");
            assertFalse(lab.names(json("{\"comm\":\"cat\"}")));
            assertTrue(lab.names(json("{\"tid\":" + tidOf("workloads") + ",\"comm\":\"x\"}")), "one of the agent's threads");
            MapEntry entry = lab.label(MapEntry.of(json("{\"comm\":\"workloads\"}"), json("7")));
            assertTrue(entry.isLab());
            assertFalse(lab.label(MapEntry.of(json("{\"comm\":\"rm\"}"), json("7"))).isLab());
        } finally {
            named.interrupt();
        }
    }

    @Test
    void theListOfOtherPidsKeepsOnlyIds() {
        assertEquals(Set.of(1L, 77L, 1234L), LabProcesses.parsePids(" 1 77,1234 -3 abc 0 "));
        assertEquals(Set.of(), LabProcesses.parsePids(null));
        assertEquals(64, LabProcesses.parsePids(String.join(" ", java.util.stream.LongStream.rangeClosed(1, 100)
                .mapToObj(String::valueOf).toList())).size());
    }

    /** The kernel's id of this process's thread named {@code comm}. */
    private static long tidOf(String comm) throws java.io.IOException {
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            for (java.nio.file.Path task : tasks.toList()) {
                if (java.nio.file.Files.readString(task.resolve("comm")).strip().equals(comm)) {
                    return Long.parseLong(task.getFileName().toString());
                }
            }
        }
        throw new AssertionError("no thread named " + comm);
    }
}
