package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.compiler.CompileLimits;
import dev.bpflab.compiler.HostCompiler;
import dev.bpflab.compiler.TargetKernel;
import dev.bpflab.limits.ClientLimits;
import dev.bpflab.limits.LimitSettings;
import dev.bpflab.protocol.MatrixRows;
import dev.bpflab.protocol.PreparationStage;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.sandbox.AgentListener;
import dev.bpflab.sandbox.Kernel;
import dev.bpflab.sandbox.Preparation;
import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.sandbox.SandboxException;
import dev.bpflab.sandbox.local.LocalBackend;
import dev.bpflab.testing.KernelTest;
import dev.bpflab.testing.RunClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A matrix and the client's live-run budget, on a backend of two ready kernels and one still preparing (both ready
 * ones are this machine's kernel, through real local agents): a client allowed one live run gets its kernels one
 * after another, one allowed two gets them at once, and the preparing kernel is skipped with its stage.
 */
@KernelTest
class MatrixBudgetTest {
    private static final Duration MATRIX = Duration.ofSeconds(120);

    private LocalBackend local;
    private TwoKernels backend;
    private HostCompiler compiler;
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(1);

    @BeforeEach
    void twoKernels() throws Exception {
        local = new LocalBackend(Path.of("agent/target/bpflab-agent.jar"), Map.of(), 0, 4);
        backend = new TwoKernels(local);
        compiler = new HostCompiler(Path.of("/var/cache/bpflab"), CompileLimits.defaults(), 2, 64 << 20, o -> { });
    }

    @AfterEach
    void stop() {
        local.close();
        compiler.close();
        workers.shutdownNow();
        timers.shutdownNow();
    }

    @Test
    void aClientAllowedOneLiveRunGetsItsKernelsOneAfterAnother() throws Exception {
        assertEquals(1, matrixWithLiveRuns(1), "never two sandboxes at once");
    }

    @Test
    void aClientAllowedTwoLiveRunsGetsItsKernelsAtOnce() throws Exception {
        assertEquals(2, matrixWithLiveRuns(2), "both kernels held a sandbox at once");
    }

    /** Runs a matrix for a client allowed {@code live} runs at once; the most sandboxes it held at once. */
    private int matrixWithLiveRuns(int live) throws Exception {
        LimitSettings.Caps many = new LimitSettings.Caps(100, 100, 100, 100);
        ClientLimits limits = new ClientLimits(new LimitSettings(many, many, live, 64L << 20, Duration.ofDays(1), false));
        RecordingBrowser browser = new RecordingBrowser();
        try (RunSession session = RecordingBrowser.session("10.0.0.9", browser, backend, compiler, limits, workers,
                timers)) {
            session.onMessage(RunJson.mapper().createObjectNode().put("type", "run_all")
                    .put("source", RunClient.program("unlink_events.bpf.c")).put("workload", "unlink-file")
                    .put("seconds", 2).toString());
            long deadline = System.nanoTime() + MATRIX.toNanos();
            while (!browser.saw(m -> m instanceof ServerMessage.MatrixDone)) {
                assertTrue(System.nanoTime() < deadline, "no matrix_done: " + browser.seen);
                Thread.sleep(50);
            }
        }
        ServerMessage.Matrix matrix = (ServerMessage.Matrix) browser.first(m -> m instanceof ServerMessage.Matrix);
        assertEquals(List.of("first", "second"), matrix.kernels());
        assertEquals(List.of(new ServerMessage.Matrix.Skipped("third", "still preparing (stage image-packages): try "
                + "again once GET /api/kernels says it is ready")), matrix.skipped());
        List<ServerMessage.MatrixRow> rows = browser.seen.stream().filter(m -> m instanceof ServerMessage.MatrixRow)
                .map(m -> (ServerMessage.MatrixRow) m).toList();
        assertEquals(2, rows.size(), browser.seen.toString());
        for (ServerMessage.MatrixRow row : rows) {
            assertEquals(MatrixRows.Attach.ATTACHED, row.attach(), RunJson.write(row));
            assertTrue(row.events() >= 1, RunJson.write(row));
        }
        assertEquals(0, limits.usage("10.0.0.9").live(), "every live slot given back");
        return backend.most.get();
    }

    /** Two kernels that are both this machine's (through {@code local}'s agents), and a third still preparing. */
    private static final class TwoKernels implements SandboxBackend {
        private final LocalBackend local;
        private final Preparation preparing = new Preparation(InstantSource.system(), PreparationStage.IMAGE_PACKAGES);
        private final AtomicInteger holding = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();

        TwoKernels(LocalBackend local) {
            this.local = local;
        }

        @Override
        public String name() {
            return "local";
        }

        @Override
        public List<Kernel> kernels() {
            String release = local.kernels().get(0).release();
            return List.of(new Kernel("first", "First", release, null, Preparation.READY),
                    new Kernel("second", "Second", release, null, Preparation.READY),
                    new Kernel("third", "Third", null, null, preparing));
        }

        @Override
        public AgentChannel acquire(Object client, IntConsumer queuePosition)
                throws SandboxException, InterruptedException {
            AgentChannel channel = local.acquire(client, queuePosition);
            most.accumulateAndGet(holding.incrementAndGet(), Math::max);
            return new Counted(channel, holding);
        }

        @Override
        public TargetKernel targetKernel() throws SandboxException, InterruptedException {
            return local.targetKernel();
        }

        @Override
        public String status() {
            return local.status();
        }

        @Override
        public Load load() {
            return local.load();
        }
    }

    /** A local agent's channel that counts itself out of {@code holding} once it is closed or released. */
    private record Counted(AgentChannel channel, AtomicInteger holding, AtomicBoolean closed) implements AgentChannel {
        Counted(AgentChannel channel, AtomicInteger holding) {
            this(channel, holding, new AtomicBoolean());
        }

        @Override
        public String describe() {
            return channel.describe();
        }

        @Override
        public void listen(AgentListener listener) {
            channel.listen(listener);
        }

        @Override
        public void send(String jsonLine) throws IOException {
            channel.send(jsonLine);
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                holding.decrementAndGet();
            }
            channel.close();
        }
    }
}
