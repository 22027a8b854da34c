package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.testing.RunClient;
import dev.bpflab.testing.SandboxContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * After load (issue 18) through /ws/run (docs/run-contract.md, "read_loaded"): the attached program as the kernel
 * holds it, read on request from the live run: its id is the attached phase's, its instructions after the kernel's
 * rewrite are on the learner's lines and add up to the kernel's xlated size, the JIT size and the verifier's figures are
 * the kernel's. A request with no program attached, or beyond the connection's rate, is answered with what to do.
 * Each sandbox backend extends this with its profile.
 */
public abstract class LoadedProgramsContract extends SandboxContract {
    private static final Duration START = Duration.ofSeconds(90);
    /** Under emulation bpftool and the statistics' second load take seconds. */
    private static final Duration ANSWER = Duration.ofSeconds(60);
    private static final Pattern ID = Pattern.compile("\\(id ([0-9]+)\\)$");

    @Test
    void theAttachedProgramIsReadAsTheKernelRewroteIt() {
        try (RunClient run = client()) {
            run.run(RunClient.program("unlink_events.bpf.c"));
            JsonNode attached = run.awaitPhase("attached", START);
            Matcher id = ID.matcher(attached.path("programs").path(0).asText());
            assertTrue(id.find(), attached.toString());

            long asked = System.nanoTime();
            JsonNode answer = read(run);
            long ms = (System.nanoTime() - asked) / 1_000_000;
            System.out.println("read_loaded answered in " + ms + " ms on " + backend.getClass().getSimpleName());
            assertFalse(answer.has("problem"), answer.toString());
            assertEquals(1, answer.path("programs").size(), answer.toString());
            JsonNode program = answer.path("programs").path(0);
            assertEquals("handle_unlinkat", program.path("name").asText());
            assertEquals(Integer.parseInt(id.group(1)), program.path("id").asInt(), "the attached program, not a reload");

            int xlated = program.path("xlatedCount").asInt();
            List<JsonNode> insns = new ArrayList<>();
            program.path("instructions").forEach(insns::add);
            assertTrue(xlated >= 1 && !insns.isEmpty(), program.toString());
            JsonNode last = insns.get(insns.size() - 1);
            int slots = last.path("text").asText().startsWith("(18)") ? 2 : 1;
            assertEquals(xlated, last.path("index").asInt() + slots, "the listed slots add up to xlated_prog_len / 8");
            assertEquals("(95) exit", last.path("text").asText());
            // The kernel's rewrite: the ring buffer's address is the map's id now, loaded on line 21.
            assertTrue(insns.stream().anyMatch(i -> i.path("text").asText().contains("map[id:")
                    && i.path("line").asInt() == 21), "the map loaded on line 21: " + insns);
            assertTrue(insns.stream().anyMatch(i -> i.path("text").asText().startsWith("(85) call bpf_trace_printk")
                    && i.path("line").asInt() == 27), "bpf_printk's helper called on line 27: " + insns);

            assertTrue(program.path("jitedBytes").isInt() && program.path("jitedBytes").asInt() > 0,
                    "both kernels JIT (6.1's Debian build always does): " + program);
            long processed = program.path("processed").asLong();
            assertTrue(processed >= 1 && processed <= 1_000_000, program.toString());
            long total = program.path("totalStates").asLong(-1);
            long peak = program.path("peakStates").asLong(-1);
            assertTrue(total >= 0 && peak >= 0 && peak <= Math.max(total, 1), "states: " + program);
            assertTrue(program.path("verificationMicros").asLong(-1) >= 0, program.toString());

            assertEquals(1, run.seen().stream().filter(m -> RunClient.isPhase(m, "attached")).count(),
                    "reading it reloaded nothing that was attached");
            run.stop();
            run.awaitPhase("stopped", ANSWER);
            JsonNode late = read(run);
            assertTrue(late.path("problem").asText().startsWith("no program is attached"), late.toString());
        }
    }

    @Test
    void aReadWithoutAnAttachedProgramOrBeyondTheRateSaysWhatToDo() {
        try (RunClient run = client()) {
            JsonNode early = read(run);
            assertEquals(0, early.path("programs").size());
            assertEquals("no program is attached: press Run, then read it once the run says attached",
                    early.path("problem").asText());

            run.run(RunClient.program("unlink_events.bpf.c"));
            run.awaitPhase("attached", START);
            List<JsonNode> before = run.drain();
            int requests = LiveRunRequests.LOADED_READS_PER_MINUTE + 1;
            for (int i = 0; i < requests; i++) {
                run.send(RunJson.mapper().createObjectNode().put("type", "read_loaded"));
            }
            JsonNode refused = run.await("a read beyond the rate", m -> isAnswer(m)
                    && m.path("problem").asText().startsWith("at most " + LiveRunRequests.LOADED_READS_PER_MINUTE
                            + " reads of the loaded program a minute per connection: try again in "), ANSWER);
            assertEquals(0, refused.path("programs").size());
            // Every request is answered once: the refused one by the server, the rest by the agent.
            run.await("an answer to each of the " + requests + " reads",
                    m -> run.seen().stream().filter(s -> isAnswer(s) && before.stream().noneMatch(b -> b == s)).count()
                            >= requests, Duration.ofSeconds(30 + 20L * requests));
            assertEquals(requests, run.seen().stream().filter(s -> isAnswer(s) && before.stream().noneMatch(b -> b == s))
                    .count());
            run.stop();
            run.awaitPhase("stopped", ANSWER);
        }
    }

    private static JsonNode read(RunClient run) {
        List<JsonNode> before = run.drain();
        ObjectNode request = RunJson.mapper().createObjectNode().put("type", "read_loaded");
        run.send(request);
        return run.await("the answer to read_loaded",
                m -> isAnswer(m) && before.stream().noneMatch(b -> b == m), ANSWER);
    }

    private static boolean isAnswer(JsonNode m) {
        return "loaded_programs".equals(m.path("type").asText());
    }
}
