package dev.bpflab.metrics;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.metrics.RunMetrics.Outcome;
import dev.bpflab.protocol.RunPhase;
import dev.bpflab.sandbox.SandboxBackend;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** /q/metrics as a Prometheus scrape sees it: the run loop's calls show up as the series a dashboard reads. */
@QuarkusTest
class RunMetricsTest {
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_]+)=\"([^\"]*)\"");

    @Inject
    RunMetrics metrics;
    @Inject
    SandboxBackend backend;

    /** One line of the exposition format: {@code name{label="value",…} number}. */
    record Sample(String name, Map<String, String> labels, double value) {
        static Sample parse(String line) {
            int space = line.lastIndexOf(' ');
            String series = line.substring(0, space);
            int brace = series.indexOf('{');
            Map<String, String> labels = new TreeMap<>();
            if (brace >= 0) {
                Matcher m = LABEL.matcher(series.substring(brace));
                while (m.find()) {
                    labels.put(m.group(1), m.group(2));
                }
            }
            return new Sample(brace >= 0 ? series.substring(0, brace) : series, labels,
                    Double.parseDouble(line.substring(space + 1)));
        }
    }

    /** The Accept header Prometheus scrapes with. */
    static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,"
            + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    static List<Sample> scrape() {
        return scrape(PROMETHEUS_ACCEPT, "text/plain");
    }

    static List<Sample> scrape(String accept, String format) {
        String text = given().accept(accept).get("/q/metrics").then().statusCode(200)
                .contentType(containsString(format)).extract().asString();
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                samples.add(Sample.parse(line));
            }
        }
        return samples;
    }

    /** The value of the one series with this name and these labels (name, value, name, value …); fails if absent. */
    static double value(List<Sample> samples, String name, String... labels) {
        Map<String, String> wanted = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(wanted)).findFirst()
                .orElseThrow(() -> new AssertionError("/q/metrics has no " + name + wanted)).value();
    }

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
    }

    @Test
    void runsPhasesQueueWaitsAndCacheLookUpsAreCounted() {
        List<Sample> before = scrape();
        metrics.runEnded(Outcome.FAILED_COMPILE);
        metrics.runEnded(Outcome.FAILED_COMPILE);
        metrics.runEnded(Outcome.ATTACHED_THEN_STOPPED);
        metrics.phaseReached(RunPhase.ATTACHED, Duration.ofMillis(2500));
        metrics.queueWaited(Duration.ofSeconds(4));
        metrics.compileCacheHit();
        metrics.compileCacheHit();
        metrics.compileCacheHit();
        metrics.compileCacheMiss();
        List<Sample> after = scrape();

        assertEquals(2, delta(before, after, "bpflab_runs_total", "outcome", "failed-compile"));
        assertEquals(1, delta(before, after, "bpflab_runs_total", "outcome", "attached-then-stopped"));
        assertEquals(0, delta(before, after, "bpflab_runs_total", "outcome", "failed-verify"));
        assertEquals(3, delta(before, after, "bpflab_compile_cache_total", "result", "hit"));
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
        while (backend.load().pooled() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(50); // the local backend's warm agent is starting
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

    static double delta(List<Sample> before, List<Sample> after, String name, String... labels) {
        return value(after, name, labels) - value(before, name, labels);
    }
}
