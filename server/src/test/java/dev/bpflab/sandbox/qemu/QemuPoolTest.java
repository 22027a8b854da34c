package dev.bpflab.sandbox.qemu;

import dev.bpflab.testing.Compilers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.testing.Prerequisites;
import dev.bpflab.testing.VmTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A class pressing Run at once, against the pool with real VMs: the runs that find no pooled VM wait for the pool's
 * restorers, which never restore more VMs at once than their CPU budget allows, and every run gets a working VM.
 */
@VmTest
class QemuPoolTest {
    static final Path RUN_DIR = Path.of("/run/bpflab-qemu-test-pool");
    static final Duration BURST = Duration.ofMinutes(5); // three restores and warm-ups under TCG on a busy 2-core box

    @BeforeAll
    static void requireRoot() {
        Prerequisites.require(Prerequisites.isRoot(), "the qemu backend tests run as root");
    }

    @Test
    void runsFindingNoPooledVmGetOnesRestoredOneAtATime() throws Exception {
        QemuSettings settings = QemuBackendTest.settings(RUN_DIR).withPoolSize(0).withRestoresAtOnce(1).withMaxLive(3);
        try (QemuBackend backend = new QemuBackend(settings, Compilers.host())) {
            backend.awaitReady(Duration.ofMinutes(15));
            AtomicInteger handedOut = new AtomicInteger();
            int mostNotHandedOut = 0;
            ExecutorService runs = Executors.newFixedThreadPool(3);
            List<Future<AgentChannel>> acquired = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                acquired.add(runs.submit(() -> {
                    AgentChannel channel = backend.acquire(position -> { });
                    handedOut.incrementAndGet();
                    return channel;
                }));
            }
            long deadline = System.nanoTime() + BURST.toNanos();
            while (handedOut.get() < 3 && System.nanoTime() < deadline) {
                int before = handedOut.get();
                int processes = backend.qemuProcesses().size();
                mostNotHandedOut = Math.max(mostNotHandedOut, processes - before);
                Thread.sleep(20);
            }
            List<AgentChannel> channels = new ArrayList<>();
            for (Future<AgentChannel> run : acquired) {
                channels.add(run.get(1, TimeUnit.SECONDS));
            }
            runs.shutdown();
            // One VM being restored, and at most one more that was just handed over but not yet counted. Restoring
            // on demand (one restore per waiting run) would show three.
            assertTrue(mostNotHandedOut <= 2, "VMs restored at once beyond the budget: " + mostNotHandedOut);
            for (AgentChannel channel : channels) {
                assertAnswers(channel);
            }
            channels.forEach(AgentChannel::close);
            assertEquals(0, backend.pooled(), "a pool of 0 keeps no VM once nobody waits");
        }
    }

    @Test
    void aBurstLargerThanThePoolIsServedAndThePoolRefills() throws Exception {
        QemuSettings settings = QemuBackendTest.settings(RUN_DIR).withPoolSize(1).withRestoresAtOnce(2).withMaxLive(3);
        try (QemuBackend backend = new QemuBackend(settings, Compilers.host())) {
            backend.awaitReady(Duration.ofMinutes(15));
            awaitPooled(backend, 1);
            ExecutorService runs = Executors.newFixedThreadPool(3);
            List<Future<AgentChannel>> acquired = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                acquired.add(runs.submit(() -> backend.acquire(position -> { })));
            }
            List<AgentChannel> channels = new ArrayList<>();
            for (Future<AgentChannel> run : acquired) {
                channels.add(run.get(BURST.toSeconds(), TimeUnit.SECONDS));
            }
            runs.shutdown();
            for (AgentChannel channel : channels) {
                assertAnswers(channel);
            }
            awaitPooled(backend, 1);
            assertEquals(4, backend.qemuProcesses().size(), "three VMs serving runs and one paused in the pool");
            channels.forEach(AgentChannel::close);
        }
    }

    @Test
    void aVmNoRunUsedServesTheNextRunAndAUsedOneIsDestroyed() throws Exception {
        QemuSettings settings = QemuBackendTest.settings(RUN_DIR).withPoolSize(1).withRestoresAtOnce(1).withMaxLive(2);
        try (QemuBackend backend = new QemuBackend(settings, Compilers.host())) {
            backend.awaitReady(Duration.ofMinutes(15));
            awaitPooled(backend, 1);
            // A learner pressing Run again before the first press was compiled: its VM was never sent anything.
            VmChannel unused = (VmChannel) backend.acquire(position -> { });
            long pid = unused.vm().process().pid();
            unused.release();
            assertEquals(0, backend.load().live(), "its place was given back");
            VmChannel next = (VmChannel) backend.acquire(position -> { });
            assertEquals(pid, next.vm().process().pid(), "the next run got the same VM, woken again");
            assertAnswers(next); // and it works
            next.release(); // sent something and listened to: destroyed like any used VM
            long deadline = System.nanoTime() + QemuBackendTest.GUEST.toNanos();
            while (backend.qemuProcesses().contains(pid)) {
                assertTrue(System.nanoTime() < deadline, "a used VM was kept: " + backend.qemuProcesses());
                Thread.sleep(50);
            }
        }
    }

    /**
     * A run replaced by a new Run press gives up waiting for its VM (its thread is interrupted): the VM it was about to
     * wake stays in the pool, and no other is taken and killed on its behalf.
     */
    @Test
    void aRunThatGaveUpBeforeItsVmWokeLeavesItPooled() throws Exception {
        QemuSettings settings = QemuBackendTest.settings(RUN_DIR).withPoolSize(1).withRestoresAtOnce(1).withMaxLive(2);
        try (QemuBackend backend = new QemuBackend(settings, Compilers.host())) {
            backend.awaitReady(Duration.ofMinutes(15));
            awaitPooled(backend, 1);
            Set<Long> before = Set.copyOf(backend.qemuProcesses());
            Thread.currentThread().interrupt();
            try {
                assertThrows(InterruptedException.class, () -> backend.pool().takeAwake());
            } finally {
                Thread.interrupted();
            }
            assertEquals(1, backend.pooled(), "the VM went back to the pool");
            assertEquals(before, Set.copyOf(backend.qemuProcesses()), "no VM was killed");
            assertAnswers(backend.acquire(position -> { })); // and it still serves a run
        }
    }

    @Test
    void aNullMessageStillSaysWhatWentWrong() {
        String why = VmPool.why(new java.io.IOException(null, new java.nio.channels.ClosedByInterruptException()));
        assertTrue(why.contains("IOException") && why.contains("caused by ClosedByInterruptException"), why);
    }

    /** The VM's agent answers a workload request: the run would work. */
    static void assertAnswers(AgentChannel channel) throws Exception {
        AgentTranscript transcript = AgentTranscript.listenTo(channel);
        channel.send(AgentTranscript.workload("exec-true"));
        transcript.awaitType("workload", QemuBackendTest.GUEST);
    }

    static void awaitPooled(QemuBackend backend, int count) throws InterruptedException {
        long deadline = System.nanoTime() + BURST.toNanos();
        while (backend.pooled() < count) {
            assertTrue(System.nanoTime() < deadline, "the pool did not reach " + count + ": " + backend.status());
            Thread.sleep(50);
        }
    }
}
