package dev.bpflab.metrics;

import dev.bpflab.compiler.CompileCache;
import dev.bpflab.protocol.RunPhase;
import dev.bpflab.sandbox.SandboxBackend;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * What operators graph, served in Prometheus form at {@code /q/metrics}. The run loop calls the methods; the sandbox
 * gauges are read from {@link SandboxBackend#load()} at each scrape. Every series exists from start-up (at 0), so a
 * dashboard sees them before the first run.
 *
 * <table>
 * <caption>Series</caption>
 * <tr><td>{@code bpflab_runs_total{outcome}}</td><td>runs ended, by {@link Outcome}</td></tr>
 * <tr><td>{@code bpflab_run_phase_seconds_bucket{phase,le}} (and {@code _count}, {@code _sum}, {@code _max})</td>
 *     <td>time from Run to each phase</td></tr>
 * <tr><td>{@code bpflab_queue_wait_seconds_bucket{le}} (…)</td><td>time a run waited in the admission queue</td></tr>
 * <tr><td>{@code bpflab_compile_cache_total{result="hit"|"joined"|"miss"}}</td><td>compile requests: answered from
 *     the cache, by joining the same compile in flight, or compiled</td></tr>
 * <tr><td>{@code bpflab_sandboxes_live}, {@code _capacity}, {@code _waiting}, {@code _pooled}</td>
 *     <td>runs holding a sandbox, runs allowed at once, runs waiting, sandboxes ready ahead</td></tr>
 * <tr><td>{@code bpflab_agent_lines_dropped_total{reason}}</td><td>lines from agents the server did not accept, by
 *     {@link AgentLineDrop}: a sign of a broken or compromised sandbox</td></tr>
 * </table>
 */
@Startup // the gauges and zero series exist before anything calls in
@ApplicationScoped
public class RunMetrics implements CompileCache.Listener {
    /** Runs take from milliseconds (a cached compile refused) to the 30-minute limit (a run stopped at its end). */
    private static final Duration SHORTEST = Duration.ofMillis(10);
    private static final Duration LONGEST = Duration.ofMinutes(30);

    /** How a run ended: a small closed set, so a dashboard can list every series. */
    public enum Outcome {
        /** It was attached, then stopped: by the learner, its time limit, or the page going away. */
        ATTACHED_THEN_STOPPED("attached-then-stopped"),
        /** Stopped while compiling or loading. */
        STOPPED_BEFORE_ATTACHED("stopped-before-attached"),
        /** Stopped before it got a sandbox. */
        STOPPED_WHILE_QUEUED("stopped-while-queued"),
        /** The compiler refused the program (diagnostics of stage "compile"). */
        FAILED_COMPILE("failed-compile"),
        /** The verifier refused it (diagnostics of stage "verify"). */
        FAILED_VERIFY("failed-verify"),
        /** Any other failure: no sandbox, the sandbox died, attaching failed. */
        FAILED_OTHER("failed-other");

        private final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }

        /** The {@code outcome} label, e.g. "failed-verify". */
        public String tag() {
            return tag;
        }

        /**
         * The outcome of a run from the last live phase it reached ({@code null}: none was said), its final phase
         * and the stage of the diagnostics it got ("compile", "verify", or null).
         *
         * @throws IllegalArgumentException {@code end} is not a final phase
         */
        public static Outcome of(RunPhase reached, RunPhase end, String diagnosticsStage) {
            if (end == null || !end.isFinal()) {
                throw new IllegalArgumentException("a run ends stopped or failed, not " + end);
            }
            if (end == RunPhase.FAILED) {
                return "compile".equals(diagnosticsStage) ? FAILED_COMPILE
                        : "verify".equals(diagnosticsStage) ? FAILED_VERIFY : FAILED_OTHER;
            }
            if (reached == RunPhase.ATTACHED) {
                return ATTACHED_THEN_STOPPED;
            }
            return reached == RunPhase.COMPILING || reached == RunPhase.LOADING ? STOPPED_BEFORE_ATTACHED
                    : STOPPED_WHILE_QUEUED;
        }
    }

    /** Why a line an agent wrote was dropped (docs/run-contract.md, "Agent → server"): a small closed set. */
    public enum AgentLineDrop {
        /** Longer than the bound on an agent line. */
        OVERSIZE("oversize"),
        /** Not JSON, or not a message of the contract. */
        MALFORMED("malformed"),
        /** A message (or phase) only the server sends: a check result, "checking", "sandbox", "compiling"… */
        SERVER_ONLY("server-only"),
        /** A message the agent may send, but not now: a phase going backwards, a second "attached", events first. */
        OUT_OF_ORDER("out-of-order"),
        /** A workload answer no request of this run is waiting for (or with another workload's name). */
        UNREQUESTED("unrequested"),
        /** More messages of a kind than a run may have (errors). */
        EXCESS("excess");

        private final String tag;

        AgentLineDrop(String tag) {
            this.tag = tag;
        }

        /** The {@code reason} label, e.g. "server-only". */
        public String tag() {
            return tag;
        }
    }

    @Inject
    MeterRegistry registry;
    @Inject
    SandboxBackend backend;

    private final Map<Outcome, Counter> runs = new EnumMap<>(Outcome.class);
    private final Map<RunPhase, Timer> phases = new EnumMap<>(RunPhase.class);
    private Timer queueWait;
    private final Map<CompileCache.Outcome, Counter> compiles = new EnumMap<>(CompileCache.Outcome.class);
    private final Map<AgentLineDrop, Counter> agentDrops = new EnumMap<>(AgentLineDrop.class);

    /** Metrics in {@code registry} outside CDI (tests that drive a run session by hand). */
    public static RunMetrics registeredIn(MeterRegistry registry, SandboxBackend backend) {
        RunMetrics metrics = new RunMetrics();
        metrics.registry = registry;
        metrics.backend = backend;
        metrics.register();
        return metrics;
    }

    @PostConstruct
    void register() {
        for (Outcome outcome : Outcome.values()) {
            runs.put(outcome, Counter.builder("bpflab.runs").description("Runs ended, by how they ended")
                    .tag("outcome", outcome.tag()).register(registry));
        }
        for (RunPhase phase : RunPhase.values()) {
            phases.put(phase, histogram(Timer.builder("bpflab.run.phase")
                    .description("Time from Run to each phase the run reached").tag("phase", phase.wire())));
        }
        queueWait = histogram(Timer.builder("bpflab.queue.wait")
                .description("Time a run waited in the admission queue for a sandbox"));
        for (CompileCache.Outcome outcome : CompileCache.Outcome.values()) {
            compiles.put(outcome, Counter.builder("bpflab.compile.cache")
                    .description("Compile requests, by how they were answered")
                    .tag("result", outcome.name().toLowerCase(java.util.Locale.ROOT)).register(registry));
        }
        for (AgentLineDrop reason : AgentLineDrop.values()) {
            agentDrops.put(reason, Counter.builder("bpflab.agent.lines.dropped")
                    .description("Lines from agents the server did not accept, by why").tag("reason", reason.tag())
                    .register(registry));
        }
        gauge("bpflab.sandboxes.live", "Runs holding a sandbox now", SandboxBackend.Load::live);
        gauge("bpflab.sandboxes.capacity", "Runs that may hold a sandbox at once", SandboxBackend.Load::capacity);
        gauge("bpflab.sandboxes.waiting", "Runs waiting in the admission queue", SandboxBackend.Load::waiting);
        gauge("bpflab.sandboxes.pooled", "Sandboxes ready ahead: paused VMs or warm agents",
                SandboxBackend.Load::pooled);
    }

    private Timer histogram(Timer.Builder builder) {
        return builder.publishPercentileHistogram().minimumExpectedValue(SHORTEST).maximumExpectedValue(LONGEST)
                .register(registry);
    }

    private void gauge(String name, String description, ToIntFunction<SandboxBackend.Load> read) {
        Gauge.builder(name, backend, b -> read.applyAsInt(b.load())).description(description).strongReference(true)
                .register(registry);
    }

    /** A run ended so. */
    public void runEnded(Outcome outcome) {
        runs.get(Objects.requireNonNull(outcome, "outcome")).increment();
    }

    /** A run reached {@code phase} {@code sinceRun} after the learner pressed Run (a negative time is ignored). */
    public void phaseReached(RunPhase phase, Duration sinceRun) {
        phases.get(Objects.requireNonNull(phase, "phase")).record(sinceRun);
    }

    /** A run waited this long in the admission queue before it got a sandbox (0 when one was free). */
    public void queueWaited(Duration waited) {
        queueWait.record(waited);
    }

    /** A line of an agent's was dropped for {@code reason}. */
    public void agentLineDropped(AgentLineDrop reason) {
        agentDrops.get(Objects.requireNonNull(reason, "reason")).increment();
    }

    /** How the host compiler answered a compile request (the compile cache's listener). */
    @Override
    public void answered(CompileCache.Outcome outcome) {
        compiles.get(Objects.requireNonNull(outcome, "outcome")).increment();
    }
}
