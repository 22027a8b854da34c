package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.testing.RunClient;
import dev.bpflab.testing.SandboxContract;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Uprobes through /ws/run on a real kernel, against the demo program the sandbox has at /usr/local/bin/bpflab-demo:
 * a learner's uprobe sees every call the run-demo workload makes, with its arguments; a uprobe section without its
 * target is refused on its SEC line saying how to name one. Each sandbox backend extends this with its profile.
 */
public abstract class UserProbesContract extends SandboxContract {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration SOON = Duration.ofSeconds(30);

    @Test
    void aUprobeOnTheDemoSeesEachCallWithItsArguments() {
        try (RunClient run = client()) {
            run.run(RunClient.program("uprobe_greet.bpf.c"));
            JsonNode attached = run.awaitPhase("attached", START);
            assertTrue(attached.path("programs").path(0).asText()
                    .matches("on_greet → uprobe//usr/local/bin/bpflab-demo:greet \\(id [1-9][0-9]*\\)"), attached.toString());
            run.workload("run-demo");
            JsonNode answer = run.awaitType("workload", SOON);
            assertTrue(answer.path("ok").asBoolean(), answer.toString());
            run.await("an event per round", m -> calls(run).size() >= 3, SOON);
            assertEquals(List.of("greet(\"bpflab\", 1)", "greet(\"bpflab\", 2)", "greet(\"bpflab\", 3)"), calls(run),
                    "run-demo calls greet once per round, 3 rounds");
            assertTrue(run.seen().stream().filter(m -> "event".equals(m.path("type").asText()))
                    .allMatch(m -> m.path("fields").path("pid").asInt() > 0), run.seen().toString());
            run.stop();
            run.awaitPhase("stopped", SOON);
        }
    }

    @Test
    void aUprobeWithoutItsTargetIsRefusedOnItsSectionSayingHowToNameOne() {
        try (RunClient run = client()) {
            run.run(RunClient.program("uprobe_no_target.bpf.c"));
            JsonNode diagnostics = run.awaitType("diagnostics", START);
            JsonNode item = diagnostics.path("items").path(0);
            assertEquals(6, item.path("line").asInt(), diagnostics.toString()); // SEC("uprobe")
            String message = item.path("message").asText();
            assertTrue(message.contains("uprobe/<binary>:<function>"), message);
            assertTrue(message.contains("uprobe//usr/local/bin/bpflab-demo:greet"), message);
            JsonNode hint = item.path("hint");
            assertEquals("section-not-attachable", hint.path("kind").asText(), diagnostics.toString());
            assertTrue(hint.path("es").asText().contains("uprobe/<binario>:<función>"), hint.toString());
            assertTrue(hint.path("en").asText().contains("uprobe/<binary>:<function>"), hint.toString());
            run.awaitPhase("failed", SOON);
        }
    }

    /** The events seen so far as calls, in order: greet("name", round). */
    private static List<String> calls(RunClient run) {
        return run.seen().stream().filter(m -> "event".equals(m.path("type").asText()))
                .map(m -> "greet(\"" + m.path("fields").path("name").asText() + "\", "
                        + m.path("fields").path("round").asInt() + ")")
                .toList();
    }
}
