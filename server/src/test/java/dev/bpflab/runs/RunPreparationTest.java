package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.compiler.CompileLimits;
import dev.bpflab.compiler.HostCompiler;
import dev.bpflab.limits.ClientLimits;
import dev.bpflab.limits.LimitSettings;
import dev.bpflab.protocol.ClientMessage;
import dev.bpflab.protocol.PreparationStage;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.RunPhase;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.sandbox.local.LocalBackend;
import dev.bpflab.testing.KernelTest;
import dev.bpflab.testing.PreparingBackend;
import dev.bpflab.testing.RunClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Run pressed while the lab still prepares (a fresh qemu host builds its image and boots the VM runs start from) is
 * told what the lab is doing, stage by stage, instead of sitting at "queued" with no reason; it compiles and runs once
 * the lab is ready; and when preparing fails, it is told in which stage and what to do.
 */
@KernelTest
class RunPreparationTest {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration SOON = Duration.ofSeconds(5);

    private LocalBackend local;
    private PreparingBackend backend;
    private HostCompiler compiler;
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(1);

    @BeforeEach
    void aLabThatPrepares() throws Exception {
        local = new LocalBackend(Path.of("agent/target/bpflab-agent.jar"), Map.of(), 0, 2);
        backend = new PreparingBackend(local, PreparationStage.IMAGE_CHECK);
        compiler = new HostCompiler(Path.of("/var/cache/bpflab"), CompileLimits.defaults(), 2, 64 << 20, o -> { });
    }

    @AfterEach
    void stop() {
        local.close();
        compiler.close();
        workers.shutdownNow();
        timers.shutdownNow();
    }

    private RunSession session(String id, RecordingBrowser browser) {
        return RecordingBrowser.session(id, browser, backend, compiler, new ClientLimits(LimitSettings.generous()),
                workers, timers);
    }

    @Test
    void aRunPressedWhileTheLabPreparesIsToldEachStageThenCompilesAndAttaches() throws Exception {
        backend.enter(PreparationStage.IMAGE_PACKAGES);
        RecordingBrowser browser = new RecordingBrowser();
        try (RunSession session = session("learner", browser)) {
            session.onMessage(run());
            ServerMessage.Phase told = await("queued, told the image is being built", browser,
                    preparing(PreparationStage.IMAGE_PACKAGES), SOON);
            assertNull(told.position(), "no place in line while the lab itself is not ready");
            assertEquals(1, told.preparing().step());
            assertEquals(4, told.preparing().steps());
            assertEquals("building the guest image: Debian packages", told.preparing().text());

            backend.enter(PreparationStage.SAVED_VM);
            ServerMessage.Phase later = await("told of the next stage", browser, preparing(PreparationStage.SAVED_VM), SOON);
            assertEquals(4, later.preparing().step());
            Thread.sleep(300);
            assertFalse(browser.saw(phase(RunPhase.COMPILING)), "nothing compiles before the lab is ready");

            backend.ready();
            await("attached once the lab is ready", browser, phase(RunPhase.ATTACHED), START);
            int compiling = browser.seen.indexOf(browser.first(phase(RunPhase.COMPILING)));
            int lastPreparing = browser.seen.indexOf(later);
            assertTrue(compiling > lastPreparing, "compiling comes after the last word on preparing: " + browser.seen);
            assertEquals(2, browser.seen.stream().filter(m -> m instanceof ServerMessage.Phase p && p.preparing() != null)
                    .count(), "one message per stage: " + browser.seen);
            session.onMessage("{\"type\":\"stop\"}");
            await("stopped", browser, phase(RunPhase.STOPPED), SOON);
        }
    }

    @Test
    void aFailedPreparationTellsWaitingAndLaterRunsWhereAndWhatToDo() throws Exception {
        backend.enter(PreparationStage.IMAGE_PACKAGES);
        RecordingBrowser waiting = new RecordingBrowser();
        RecordingBrowser later = new RecordingBrowser();
        try (RunSession first = session("first", waiting); RunSession second = session("second", later)) {
            first.onMessage(run());
            await("queued while preparing", waiting, preparing(PreparationStage.IMAGE_PACKAGES), SOON);
            backend.fail("mmdebstrap could not reach the Debian mirror");
            ServerMessage.Error error = await("the reason", waiting, m -> m instanceof ServerMessage.Error, SOON);
            assertTrue(error.message().contains("could not get ready while building the guest image: Debian packages: "
                    + "mmdebstrap could not reach the Debian mirror"), error.message());
            assertTrue(error.message().contains("What to do: read the server's log"), error.message());
            await("failed", waiting, phase(RunPhase.FAILED), SOON);

            second.onMessage(run());
            ServerMessage.Error again = await("the same reason", later, m -> m instanceof ServerMessage.Error, SOON);
            assertEquals(error.message(), again.message());
            await("failed", later, phase(RunPhase.FAILED), SOON);
            assertFalse(later.saw(m -> m instanceof ServerMessage.Phase p && p.preparing() != null),
                    "a failed preparation is not one still going: " + later.seen);
        }
    }

    private static String run() {
        return RunJson.write(ClientMessage.Run.ofSource(RunClient.program("unlink_events.bpf.c")));
    }

    private static Predicate<ServerMessage> phase(RunPhase phase) {
        return m -> m instanceof ServerMessage.Phase p && p.phase() == phase;
    }

    private static Predicate<ServerMessage> preparing(PreparationStage stage) {
        return m -> m instanceof ServerMessage.Phase p && p.phase() == RunPhase.QUEUED && p.preparing() != null
                && p.preparing().stage() == stage;
    }

    @SuppressWarnings("unchecked")
    private static <T extends ServerMessage> T await(String what, RecordingBrowser browser,
            Predicate<ServerMessage> match, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            ServerMessage m = browser.first(match);
            if (m != null) {
                return (T) m;
            }
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what + "; saw " + browser.seen);
            Thread.sleep(20);
        }
    }
}
