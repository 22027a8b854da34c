package dev.bpflab.support.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.HashSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PrioritiesTest {
    private Process child;

    /** A process with many threads started before anyone renices it, as QEMU's vCPU thread is. */
    private long startManyThreadedProcess() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        child = new ProcessBuilder(java, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                Sleeper.class.getName()).inheritIO().start();
        long pid = child.pid();
        for (int i = 0; i < 200 && Priorities.niceOfThreads(pid).size() < 4; i++) {
            Thread.sleep(25);
        }
        assertTrue(Priorities.niceOfThreads(pid).size() >= 4, "the child JVM should have started its threads");
        return pid;
    }

    @Test
    void everyThreadOfTheProcessTakesTheNewPriority() throws Exception {
        long pid = startManyThreadedProcess();
        assertTrue(Priorities.renice(pid, 7));
        assertEquals(Set.of(7), new HashSet<>(Priorities.niceOfThreads(pid)), "not only the main thread");
        assumeTrue(System.getProperty("user.name").equals("root"), "lowering a nice value needs CAP_SYS_NICE");
        assertTrue(Priorities.renice(pid, 0));
        assertEquals(Set.of(0), new HashSet<>(Priorities.niceOfThreads(pid)));
    }

    @Test
    void aProcessThatIsGoneIsAnAnswerNotAnError() throws Exception {
        long pid = startManyThreadedProcess();
        child.destroyForcibly().waitFor();
        assertFalse(Priorities.renice(pid, 5));
        assertEquals(List.of(), Priorities.niceOfThreads(pid));
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (child != null) {
            child.destroyForcibly().waitFor();
        }
    }

    /** The child: sleeps until killed. */
    public static final class Sleeper {
        public static void main(String[] args) throws InterruptedException {
            Thread.sleep(120_000);
        }
    }
}
