package dev.bpflab.sandbox.qemu;

import dev.bpflab.testing.Compilers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.sandbox.SandboxException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import dev.bpflab.testing.Prerequisites;
import dev.bpflab.testing.VmTest;

/** Limits and lifecycle of the qemu backend: time limit, the live-VM cap and its queue, a crashed server's VMs. */
@VmTest
class QemuLifecycleTest {

    @BeforeAll
    static void image() throws Exception {
        Prerequisites.require(Prerequisites.isRoot(), "the qemu backend tests run as root");
        // Builds the image and the saved VM if QemuBackendTest has not (they are cached by content).
        try (QemuBackend backend = new QemuBackend(QemuBackendTest.settings(Path.of("/run/bpflab-qemu-test-image"))
                .withPoolSize(0), Compilers.host())) {
            backend.awaitReady(Duration.ofMinutes(15));
        }
    }

    @Test
    void aVmIsKilledAtItsTimeLimitAndTheQueueMovesOn() throws Exception {
        QemuSettings settings = QemuSettings.defaults().withRunDir(Path.of("/run/bpflab-qemu-test-limits"))
                .withPoolSize(1).withMaxLive(1).withMaxRunTime(Duration.ofSeconds(4));
        try (QemuBackend backend = new QemuBackend(settings, Compilers.host())) {
            backend.awaitReady(Duration.ofMinutes(5));
            AgentChannel first = backend.acquire(position -> { });
            AgentTranscript transcript = AgentTranscript.listenTo(first);

            List<Integer> positions = new CopyOnWriteArrayList<>();
            Future<AgentChannel> second = Executors.newSingleThreadExecutor().submit(() -> backend.acquire(positions::add));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (positions.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(List.of(1), positions, "the second run waits first in line");
            assertTrue(backend.status().contains("1 live of 1, 1 waiting"), backend.status());

            String reason = transcript.awaitExit(Duration.ofSeconds(30));
            assertTrue(reason.contains("time limit of 4 s"), reason);
            try (AgentChannel next = second.get(30, TimeUnit.SECONDS)) {
                assertEquals(List.of(1, 0), positions, "then it is served");
                assertTrue(next.describe().startsWith("qemu debian12-vm-"), next.describe());
            }
        }
    }

    @Test
    void noVmOutlivesAKilledServerAndLeftoversAreReapedAtStart() throws Exception {
        Path runDir = Path.of("/run/bpflab-qemu-test-crash");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process server = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashedServer.class.getName(), runDir.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("serving"), "the stand-in server said: " + line);
            assertEquals(3, Reaper.running(runDir).size(), "one VM serving and two in the pool: " + line);
        } finally {
            server.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!Reaper.running(runDir).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(List.of(), Reaper.running(runDir), "the watchdog killed the dead server's VMs");

        // A QEMU of ours that no watchdog covers (as if the watchdog had been killed too) goes at the next start.
        Files.createDirectories(runDir.resolve("vm-1"));
        Process leftover = new ProcessBuilder("qemu-system-x86_64", "-name", "leftover,process=" + Machine.PROCESS_NAME,
                "-M", "microvm", "-S", "-display", "none", "-nodefaults", "-pidfile", runDir.resolve("vm-1/pid").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Reaper.running(runDir).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(List.of(leftover.pid()), Reaper.running(runDir));
        try (QemuBackend restarted = new QemuBackend(QemuSettings.defaults().withRunDir(runDir).withPoolSize(0), Compilers.host())) {
            assertTrue(leftover.waitFor(10, TimeUnit.SECONDS), "the restarted backend killed the leftover QEMU");
            assertFalse(Files.exists(runDir.resolve("vm-1")));
        }
    }

    @Test
    void oneServerPerRunDirectory() throws Exception {
        Path runDir = Path.of("/run/bpflab-qemu-test-lock");
        try (QemuBackend first = new QemuBackend(QemuSettings.defaults().withRunDir(runDir).withPoolSize(0), Compilers.host())) {
            SandboxException refused = assertThrows(SandboxException.class,
                    () -> new QemuBackend(QemuSettings.defaults().withRunDir(runDir).withPoolSize(0), Compilers.host()));
            assertTrue(refused.getMessage().contains("another bpflab server is using"), refused.getMessage());
        }
    }
}
