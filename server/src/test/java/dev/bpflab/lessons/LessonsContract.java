package dev.bpflab.lessons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.testing.RunClient;
import dev.bpflab.testing.SandboxContract;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every lesson of workshop-material/, graded the way a learner is graded: its reference solution runs through
 * /ws/run on a real kernel and passes the check of every step that has one; its start code runs too and fails the
 * lesson's last check, saying in the learner's language what is missing. A lesson whose program type this
 * backend's kernel refuses must fail to attach saying why (the qemu backend's guest kernel runs them all).
 */
public abstract class LessonsContract extends SandboxContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofSeconds(90);
    /** Every round of workloads and its settling (see CheckRun), with room for a slow emulated guest. */
    private static final Duration CHECK = Duration.ofSeconds(120);

    @Inject
    LessonCatalog lessons;

    /** The {@code requires} values (xdp, lsm, fentry) whose programs this backend's kernel accepts. */
    protected abstract Set<String> supportedFeatures();

    @TestFactory
    Stream<DynamicTest> everyLessonIsGradedOnWhatTheKernelDid() {
        List<Lesson> all = List.copyOf(lessons.list());
        assertTrue(all.size() >= 8, "the talk's arc has 8 lessons: " + all.stream().map(Lesson::id).toList());
        return all.stream().flatMap(lesson -> {
            List<String> refused = lesson.requires().stream().filter(r -> !supportedFeatures().contains(r)).toList();
            if (!refused.isEmpty()) {
                return Stream.of(DynamicTest.dynamicTest(lesson.id() + ": refused here (" + refused + "), with the reason",
                        () -> refusedWithReason(lesson)));
            }
            return Stream.of(
                    DynamicTest.dynamicTest(lesson.id() + ": the reference solution passes every check",
                            () -> solutionPasses(lesson)),
                    DynamicTest.dynamicTest(lesson.id() + ": the start code fails the last check, saying what is missing",
                            () -> startFails(lesson)));
        });
    }

    private void solutionPasses(Lesson lesson) {
        try (RunClient run = attached(lesson, lesson.solution(), "solution")) {
            for (int step = 0; step < lesson.steps().size(); step++) {
                StepCheck check = lesson.check(step);
                if (check == null) {
                    continue;
                }
                JsonNode result = check(run, lesson, step, "en");
                assertTrue(result.path("passed").asBoolean(), lesson.id() + " step " + step
                        + ": the reference solution must pass its check; the grader said " + result.toPrettyString()
                        + "\n" + transcript(run));
                assertEquals(check.passed().en(), result.path("message").asText());
                assertTrue(details(result).stream().allMatch(d -> d.path("met").asBoolean()), result.toPrettyString());
            }
            run.stop();
            run.awaitPhase("stopped", START);
        }
    }

    private void startFails(Lesson lesson) {
        int step = lesson.lastCheckedStep();
        StepCheck check = lesson.check(step);
        try (RunClient run = attached(lesson, lesson.start(), "start code")) {
            JsonNode result = check(run, lesson, step, "es");
            assertFalse(result.path("passed").asBoolean(), lesson.id() + " step " + step
                    + ": the start code must not pass the last check:\n" + result.toPrettyString());
            List<String> missingTexts = check.expect().stream().map(g -> g.missing().es()).toList();
            List<String> unmet = details(result).stream().filter(d -> !d.path("met").asBoolean())
                    .map(d -> d.path("message").asText()).toList();
            assertFalse(unmet.isEmpty(), "a failed check lists what was missing: " + result.toPrettyString());
            assertTrue(missingTexts.containsAll(unmet), "each missing item is told with the lesson's own Spanish text: "
                    + unmet + " vs " + missingTexts);
            assertTrue(result.path("message").asText().startsWith(unmet.get(0)),
                    "the one-line message starts with the first thing missing: " + result.path("message").asText());
            run.stop();
            run.awaitPhase("stopped", START);
        }
    }

    private void refusedWithReason(Lesson lesson) {
        try (RunClient run = client()) {
            run.run(lesson.solution());
            JsonNode end = run.await("phase attached or failed",
                    m -> RunClient.isPhase(m, "attached") || RunClient.isPhase(m, "failed"), START);
            assertTrue(RunClient.isPhase(end, "failed"), lesson.id() + " needs " + lesson.requires()
                    + ", which this kernel refuses, yet it attached:\n" + transcript(run));
            String errors = run.seen().stream().filter(m -> "error".equals(m.path("type").asText()))
                    .map(m -> m.path("message").asText()).collect(Collectors.joining("\n"));
            // Once the kernel was probed, the refusal comes before anything loads: a kernel diagnostic naming what the
            // program needs and why this kernel lacks it (the probe's EPERM); before, the load's own EPERM error.
            String needs = run.seen().stream().filter(m -> "diagnostics".equals(m.path("type").asText())
                    && "kernel".equals(m.path("stage").asText())).map(m -> m.path("items").get(0).path("message").asText())
                    .collect(Collectors.joining("\n"));
            assertTrue(errors.matches("(?s).*Operation not permitted.*lockdown.*")
                    || (needs.contains(" needs ") && needs.contains("EPERM")),
                    lesson.id() + ": the refusal must say the kernel refused it and why, it said:\n" + errors + needs);
        }
    }

    private RunClient attached(Lesson lesson, String source, String what) {
        RunClient run = client();
        run.run(source);
        JsonNode end = run.await("phase attached or failed",
                m -> RunClient.isPhase(m, "attached") || RunClient.isPhase(m, "failed"), START);
        if (!RunClient.isPhase(end, "attached")) {
            run.close();
            throw new AssertionError(lesson.id() + ": its " + what + " must compile and attach:\n" + transcript(run));
        }
        return run;
    }

    private static JsonNode check(RunClient run, Lesson lesson, int step, String lang) {
        run.send(JSON.createObjectNode().put("type", "check").put("lesson", lesson.id()).put("step", step).put("lang", lang));
        JsonNode checking = run.await("checking " + lesson.id() + "/" + step, m -> "checking".equals(m.path("type").asText())
                && m.path("step").asInt() == step, Duration.ofSeconds(10));
        assertEquals(lesson.check(step).workloads().size(), checking.path("workloads").size(), checking.toString());
        return run.await("the check result of " + lesson.id() + "/" + step, m -> "check".equals(m.path("type").asText())
                && lesson.id().equals(m.path("lesson").asText()) && m.path("step").asInt() == step, CHECK);
    }

    private static List<JsonNode> details(JsonNode result) {
        List<JsonNode> details = new ArrayList<>();
        result.path("details").forEach(details::add);
        return details;
    }

    private static String transcript(RunClient run) {
        return run.seen().stream().filter(m -> !"map".equals(m.path("type").asText())).limit(60).map(JsonNode::toString)
                .collect(Collectors.joining("\n"));
    }
}
