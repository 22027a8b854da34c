package dev.bpflab.metrics;

import dev.bpflab.compiler.CompileCache;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.metrics.RunMetrics.Outcome;
import dev.bpflab.testing.Scrape.Sample;
import static dev.bpflab.testing.Scrape.scrape;
import static dev.bpflab.testing.Scrape.value;
import static dev.bpflab.testing.Scrape.delta;
import dev.bpflab.protocol.RunPhase;
import dev.bpflab.sandbox.SandboxBackend;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** /q/metrics as a Prometheus scrape sees it: the run loop's calls show up as the series a dashboard reads. */
@QuarkusTest
class RunMetricsTest {
    @Inject
    RunMetrics metrics;
    @Inject
    SandboxBackend backend;

    @Test
    void everySeriesADashboardListsIsThereBeforeAnyRun() {
        everySeriesIsIn(scrape());
        everySeriesIsIn(scrape("*/*", "application/openmetrics-text"));
    }

    static void everySeriesIsIn(List<Sample> samples) {
        for (Outcome outcome : Outcome.values()) {
            value(samples, "bpflab_runs_total", "outcome", outcome.tag());
        }
        for (RunPhase phase : RunPhase.values()) {
            value(samples, "bpflab_run_phase_seconds_count", "phase", phase.wire());
            value(samples, "bpflab_run_phase_seconds_bucket", "phase", phase.wire(), "le", "+Inf");
        }
        value(samples, "bpflab_queue_wait_seconds_count");
        value(samples, "bpflab_compile_cache_total", "result", "hit");
        value(samples, "bpflab_compile_cache_total", "result", "miss");
        for (String gauge : List.of("live", "capacity", "waiting", "pooled")) {
            value(samples, "bpflab_sandboxes_" + gauge);
        }
        for (RunMetrics.AgentLineDrop reason : RunMetrics.AgentLineDrop.values()) {
            value(samples, "bpflab_agent_lines_dropped_total", "reason", reason.tag());
        }
    }

    @Test
    void runsPhasesQueueWaitsAndCacheLookUpsAreCounted() {
        List<Sample> before = scrape();
        metrics.runEnded(Outcome.FAILED_COMPILE);
        metrics.runEnded(Outcome.FAILED_COMPILE);
        metrics.runEnded(Outcome.ATTACHED_THEN_STOPPED);
        metrics.phaseReached(RunPhase.ATTACHED, Duration.ofMillis(2500));
        metrics.queueWaited(Duration.ofSeconds(4));
        metrics.answered(CompileCache.Outcome.HIT);
        metrics.answered(CompileCache.Outcome.HIT);
        metrics.answered(CompileCache.Outcome.JOINED);
        metrics.answered(CompileCache.Outcome.MISS);
        metrics.agentLineDropped(RunMetrics.AgentLineDrop.SERVER_ONLY);
        metrics.agentLineDropped(RunMetrics.AgentLineDrop.SERVER_ONLY);
        metrics.agentLineDropped(RunMetrics.AgentLineDrop.UNREQUESTED);
        List<Sample> after = scrape();
        assertEquals(2, delta(before, after, "bpflab_agent_lines_dropped_total", "reason", "server-only"));
        assertEquals(1, delta(before, after, "bpflab_agent_lines_dropped_total", "reason", "unrequested"));
        assertEquals(0, delta(before, after, "bpflab_agent_lines_dropped_total", "reason", "oversize"));

        assertEquals(2, delta(before, after, "bpflab_runs_total", "outcome", "failed-compile"));
        assertEquals(1, delta(before, after, "bpflab_runs_total", "outcome", "attached-then-stopped"));
        assertEquals(0, delta(before, after, "bpflab_runs_total", "outcome", "failed-verify"));
        assertEquals(2, delta(before, after, "bpflab_compile_cache_total", "result", "hit"));
        assertEquals(1, delta(before, after, "bpflab_compile_cache_total", "result", "joined"));
        assertEquals(1, delta(before, after, "bpflab_compile_cache_total", "result", "miss"));

        assertEquals(1, delta(before, after, "bpflab_run_phase_seconds_count", "phase", "attached"));
        assertEquals(2.5, delta(before, after, "bpflab_run_phase_seconds_sum", "phase", "attached"), 1e-9);
        assertEquals(0, delta(before, after, "bpflab_run_phase_seconds_count", "phase", "compiling"));
        // histogram_quantile reads the buckets: the 2.5 s run is in every bucket from 2.5 s up, in none below.
        int buckets = 0;
        for (Sample bucket : after) {
            if (bucket.name().equals("bpflab_run_phase_seconds_bucket")
                    && "attached".equals(bucket.labels().get("phase"))) {
                String le = bucket.labels().get("le");
                double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                assertEquals(bound >= 2.5 ? 1 : 0, delta(before, after, bucket.name(), "phase", "attached", "le", le),
                        "bucket le=" + le);
                buckets++;
            }
        }
        assertTrue(buckets > 10, "a percentile histogram, not just count and sum: " + buckets + " buckets");

        assertEquals(1, delta(before, after, "bpflab_queue_wait_seconds_count"));
        assertEquals(4.0, delta(before, after, "bpflab_queue_wait_seconds_sum"), 1e-9);
    }

    @Test
    void sandboxGaugesSayWhatTheBackendSays() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        // The local backend's warm agent may still be starting, and the previous test class's last run (closed with
        // its socket) may still be giving its sandbox back: both settle within moments.
        while ((backend.load().pooled() < 1 || backend.load().live() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        SandboxBackend.Load load = backend.load();
        List<Sample> samples = scrape();
        assertTrue(load.capacity() >= 1, "the backend allows runs: " + load);
        assertEquals(load.capacity(), value(samples, "bpflab_sandboxes_capacity"));
        assertEquals(0, value(samples, "bpflab_sandboxes_live"), "no run holds a sandbox");
        assertEquals(0, value(samples, "bpflab_sandboxes_waiting"));
        assertEquals(1, value(samples, "bpflab_sandboxes_pooled"), "the local backend's one warm agent");
    }

    @Test
    void aRunsOutcomeFollowsFromHowFarItGotAndHowItEnded() {
        assertEquals(Outcome.ATTACHED_THEN_STOPPED, Outcome.of(RunPhase.ATTACHED, RunPhase.STOPPED, null));
        assertEquals(Outcome.STOPPED_BEFORE_ATTACHED, Outcome.of(RunPhase.COMPILING, RunPhase.STOPPED, null));
        assertEquals(Outcome.STOPPED_BEFORE_ATTACHED, Outcome.of(RunPhase.LOADING, RunPhase.STOPPED, null));
        assertEquals(Outcome.STOPPED_WHILE_QUEUED, Outcome.of(RunPhase.QUEUED, RunPhase.STOPPED, null));
        assertEquals(Outcome.STOPPED_WHILE_QUEUED, Outcome.of(null, RunPhase.STOPPED, null));
        assertEquals(Outcome.FAILED_COMPILE, Outcome.of(RunPhase.COMPILING, RunPhase.FAILED, "compile"));
        assertEquals(Outcome.FAILED_VERIFY, Outcome.of(RunPhase.LOADING, RunPhase.FAILED, "verify"));
        assertEquals(Outcome.FAILED_OTHER, Outcome.of(RunPhase.ATTACHED, RunPhase.FAILED, null));
        assertEquals(Outcome.FAILED_OTHER, Outcome.of(RunPhase.QUEUED, RunPhase.FAILED, null));
        assertThrows(IllegalArgumentException.class, () -> Outcome.of(RunPhase.COMPILING, RunPhase.ATTACHED, null));
    }
}
