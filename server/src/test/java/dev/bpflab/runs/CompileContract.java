package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bpflab.testing.RunClient;
import dev.bpflab.testing.SandboxContract;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Errors as you type through /ws/run (docs/run-contract.md, "compile"): a compile-only request gets the diagnostics
 * and hints a Run of the same text gets, without a run; it leaves an attached program attached; a flood of requests
 * gets the newest answered, not one answer each; bad requests get an error saying what to fix. Each sandbox backend
 * extends this with its profile (the compile is for that backend's kernel).
 */
public abstract class CompileContract extends SandboxContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration SOON = Duration.ofSeconds(60);

    @Test
    void aSyntaxErrorComesBackOnItsLineAsARunWouldSayIt() {
        String source = RunClient.program("syntax_error.bpf.c");
        JsonNode ran = runsCompileDiagnostics(source);
        try (RunClient typing = client()) {
            typing.send(compile(source, 1));
            JsonNode compiled = answer(typing, 1);
            assertFalse(compiled.path("ok").asBoolean(), compiled.toString());
            JsonNode first = compiled.path("diagnostics").path(0);
            assertEquals(9, first.path("line").asInt(), "the missing ';' after 'int x = 1': " + compiled);
            assertEquals("error", first.path("severity").asText(), compiled.toString());
            assertEquals(ran.path("items"), compiled.path("diagnostics"), "the same items as the Run's");
            assertTrue(typing.seen().stream().noneMatch(m -> "phase".equals(m.path("type").asText())),
                    "nothing ran: " + typing.seen());
        }
    }

    @Test
    void aMistakeOfAKnownKindCarriesTheSameHintAsARun() {
        String source = RunClient.program("big_stack.bpf.c");
        JsonNode ran = runsCompileDiagnostics(source);
        try (RunClient typing = client()) {
            typing.send(compile(source, 5));
            JsonNode compiled = answer(typing, 5);
            assertFalse(compiled.path("ok").asBoolean(), compiled.toString());
            JsonNode hinted = null;
            for (JsonNode item : compiled.path("diagnostics")) {
                hinted = item.has("hint") ? item : hinted;
            }
            assertNotNull(hinted, "a stack over 512 bytes has a hint: " + compiled);
            assertEquals("stack-too-large", hinted.path("hint").path("kind").asText(), hinted.toString());
            assertFalse(hinted.path("hint").path("es").asText().isBlank(), hinted.toString());
            assertEquals(ran.path("items"), compiled.path("diagnostics"), "the same items and hints as the Run's");
        }
    }

    @Test
    void aProgramThatCompilesIsOkAndARefusedHelperIsNot() {
        try (RunClient typing = client()) {
            typing.send(compile(RunClient.program("unlink_events.bpf.c"), 2));
            JsonNode good = answer(typing, 2);
            assertTrue(good.path("ok").asBoolean(), good.toString());
            assertTrue(good.path("diagnostics").isArray() && !good.has("problem"), good.toString());

            typing.send(compile(RunClient.program("rewrite_agent_output.bpf.c"), 3));
            JsonNode refused = answer(typing, 3);
            assertFalse(refused.path("ok").asBoolean(), refused.toString());
            assertTrue(refused.path("diagnostics").toString().contains("bpf_probe_write_user is not allowed"),
                    "the lab's own refusal, as a Run gets it: " + refused);
        }
    }

    @Test
    void aCompileLeavesTheAttachedProgramRunning() {
        try (RunClient run = client()) {
            run.run(RunClient.program("unlink_events.bpf.c"));
            run.awaitPhase("attached", START);
            run.send(compile(RunClient.program("syntax_error.bpf.c"), 7));
            JsonNode compiled = answer(run, 7);
            assertFalse(compiled.path("ok").asBoolean(), compiled.toString());

            run.workload("unlink-file");
            run.await("an event of the program attached before the compile", m -> "event".equals(m.path("type").asText())
                    && m.path("fields").path("filename").asText().endsWith("/victim.txt"), SOON);
            List<JsonNode> seen = run.seen();
            List<JsonNode> since = seen.subList(seen.indexOf(compiled), seen.size());
            assertTrue(since.stream().noneMatch(m -> "phase".equals(m.path("type").asText())
                    || "error".equals(m.path("type").asText())), "the run went on untouched: " + since);
            run.stop();
            run.awaitPhase("stopped", SOON);
        }
    }

    /**
     * Thirty requests sent at once, each a text never compiled before: the first compiles, the others arrive while it
     * does, and each replaces the one waiting, so the newest is answered and most are never compiled.
     */
    @Test
    void aFloodOfRequestsGetsTheNewestAnsweredNotOneAnswerEach() {
        String source = RunClient.program("unlink_events.bpf.c");
        String flood = UUID.randomUUID().toString();
        try (RunClient typing = client()) {
            for (int id = 1; id <= 30; id++) {
                typing.send(compile(source + "// " + flood + " keystroke " + id + "\n", id));
            }
            JsonNode last = answer(typing, 30);
            assertTrue(last.path("ok").asBoolean(), last.toString());
            List<Long> answered = typing.seen().stream().filter(m -> "compiled".equals(m.path("type").asText()))
                    .map(m -> m.path("id").asLong()).toList();
            assertTrue(answered.size() < 30, "superseded requests are not answered: " + answered);
            for (int i = 1; i < answered.size(); i++) {
                assertTrue(answered.get(i) > answered.get(i - 1), "answers come for newer requests only: " + answered);
            }
        }
    }

    @Test
    void badRequestsGetAnErrorThatSaysWhatToFixAndTheConnectionGoesOn() {
        try (RunClient typing = client()) {
            typing.sendRaw("{\"type\":\"compile\"}");
            refused(typing, "compile: the compile has no program: send the C source as a string in \"source\"");
            typing.sendRaw("{\"type\":\"compile\",\"source\":42}");
            refused(typing, "compile: \"source\" must be a string, was '42'");
            typing.sendRaw("{\"type\":\"compile\",\"source\":\"int x;\",\"id\":\"one\"}");
            refused(typing, "compile: \"id\" must be a whole number");
            typing.send(compile("x".repeat(300_000), 4));
            refused(typing, "the limit is 262144. Shorten the program.");

            typing.send(compile(RunClient.program("unlink_events.bpf.c"), 9));
            assertTrue(answer(typing, 9).path("ok").asBoolean(), "the connection still compiles: " + typing.seen());
            assertTrue(typing.seen().stream().noneMatch(m -> "compiled".equals(m.path("type").asText())
                    && m.path("id").asLong() == 4), "the oversized request was not compiled: " + typing.seen());
        }
    }

    /** What a Run of {@code source} (one that does not compile) said: its compile diagnostics. */
    private JsonNode runsCompileDiagnostics(String source) {
        try (RunClient run = client()) {
            run.run(source);
            JsonNode said = run.await("the run's compile diagnostics", m -> "diagnostics".equals(m.path("type").asText()),
                    START);
            run.awaitPhase("failed", SOON);
            return said;
        }
    }

    private static ObjectNode compile(String source, long id) {
        return JSON.createObjectNode().put("type", "compile").put("source", source).put("id", id);
    }

    private static JsonNode answer(RunClient client, long id) {
        return client.await("the answer to compile " + id, m -> "compiled".equals(m.path("type").asText())
                && m.path("id").asLong() == id, SOON);
    }

    /** Waits for an error that says {@code text}. */
    private static void refused(RunClient client, String text) {
        client.await("an error saying " + text, m -> "error".equals(m.path("type").asText())
                && m.path("message").asText().contains(text), SOON);
    }
}
