package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.compiler.CompileLimits;
import dev.bpflab.compiler.HostCompiler;
import dev.bpflab.limits.ClientLimits;
import dev.bpflab.limits.LimitSettings;
import dev.bpflab.protocol.ClientMessage;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.RunPhase;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.sandbox.local.LocalBackend;
import dev.bpflab.testing.RunClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.bpflab.testing.KernelTest;

/**
 * The admission queue seen from /ws/run sessions, with one live sandbox allowed so the second learner waits: a run
 * stopped (or replaced) while it waits leaves the queue at once, and no sandbox is ever taken for it.
 */
@KernelTest
class RunQueueTest {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration SOON = Duration.ofSeconds(5);

    private LocalBackend backend;
    private HostCompiler compiler;
    private final ClientLimits limits = new ClientLimits(LimitSettings.generous());
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(1);

    @BeforeEach
    void oneLiveSandbox() throws Exception {
        backend = new LocalBackend(Path.of("agent/target/bpflab-agent.jar"), Map.of(), 0, 1);
        compiler = new HostCompiler(Path.of("/var/cache/bpflab"), CompileLimits.defaults(), 2, 64 << 20, o -> { });
    }

    @AfterEach
    void stop() {
        backend.close();
        compiler.close();
        workers.shutdownNow();
        timers.shutdownNow();
    }

    private RunSession session(String id, RecordingBrowser browser) {
        return RecordingBrowser.session(id, browser, backend, compiler, limits, workers, timers);
    }

    private static String run(String program) {
        return RunJson.write(ClientMessage.Run.ofSource(RunClient.program(program)));
    }

    @Test
    void aRunStoppedWhileQueuedLeavesTheQueueAndTakesNoSandbox() throws Exception {
        RecordingBrowser first = new RecordingBrowser();
        RecordingBrowser second = new RecordingBrowser();
        try (RunSession holder = session("first", first); RunSession waiter = session("second", second)) {
            holder.onMessage(run("unlink_events.bpf.c"));
            await("the first run attached", () -> first.saw(phase(RunPhase.ATTACHED)), START);

            waiter.onMessage(run("unlink_events.bpf.c"));
            await("the second run queued behind it", () -> second.saw(m -> m instanceof ServerMessage.Phase p
                    && p.phase() == RunPhase.QUEUED && Integer.valueOf(1).equals(p.position())), SOON);
            assertEquals(1, backend.load().waiting());

            waiter.onMessage("{\"type\":\"stop\"}");
            await("the second run stopped", () -> second.saw(phase(RunPhase.STOPPED)), SOON);
            await("the queue emptied while the first run still holds the sandbox",
                    () -> backend.load().waiting() == 0, SOON);
            assertEquals(1, backend.load().live(), "the first run still holds the only sandbox");

            holder.onMessage("{\"type\":\"stop\"}");
            await("the first run stopped", () -> first.saw(phase(RunPhase.STOPPED)), SOON);
            await("no sandbox is live", () -> backend.load().live() == 0, SOON);
            assertFalse(second.saw(m -> m instanceof ServerMessage.Sandbox), "the stopped run never got a sandbox");
        }
    }

    @Test
    void aRunReplacedWhileQueuedLeavesTheQueue() throws Exception {
        RecordingBrowser first = new RecordingBrowser();
        RecordingBrowser second = new RecordingBrowser();
        try (RunSession holder = session("first", first); RunSession waiter = session("second", second)) {
            holder.onMessage(run("unlink_events.bpf.c"));
            await("the first run attached", () -> first.saw(phase(RunPhase.ATTACHED)), START);
            for (int i = 0; i < 5; i++) {
                waiter.onMessage(run("unlink_events.bpf.c")); // pressing Run again and again while queued
            }
            await("only the newest run waits", () -> backend.load().waiting() == 1, SOON);
            waiter.close();
            await("the queue is empty once the learner leaves", () -> backend.load().waiting() == 0, SOON);
        }
    }

    private static Predicate<ServerMessage> phase(RunPhase phase) {
        return m -> m instanceof ServerMessage.Phase p && p.phase() == phase;
    }

    private static void await(String what, BooleanSupplier condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(20);
        }
    }
}
