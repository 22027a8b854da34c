package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bpflab.testing.RunClient;
import dev.bpflab.testing.SandboxContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Instructions tab's data through /ws/run (docs/run-contract.md, "instructions"): a compile that succeeds is
 * followed by the object's instructions on the learner's lines, for a compile-only request (with its id) and for a
 * Run (before the sandbox loads it); a failed compile has none; a huge object is listed up to the caps. Each sandbox
 * backend extends this with its profile (the compile is for that backend's kernel).
 */
public abstract class InstructionsContract extends SandboxContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration SOON = Duration.ofSeconds(60);

    @Test
    void aCompiledProgramsInstructionsComeOnItsSourceLines() {
        String source = RunClient.program("unlink_events.bpf.c");
        try (RunClient typing = client()) {
            typing.send(compile(source, 11));
            JsonNode listing = typing.await("the instructions of compile 11",
                    m -> "instructions".equals(m.path("type").asText()) && m.path("id").asLong() == 11, SOON);
            assertFalse(listing.path("truncated").asBoolean(), listing.toString());
            JsonNode program = listing.path("programs").path(0);
            assertEquals("handle_unlinkat", program.path("name").asText(), listing.toString());
            assertEquals("tp/syscalls/sys_enter_unlinkat", program.path("section").asText());
            List<JsonNode> insns = new ArrayList<>();
            program.path("instructions").forEach(insns::add);
            // bpf_ringbuf_reserve(&events, …) is line 21: the map's address is loaded there, relocated to the map.
            JsonNode map = insns.stream().filter(i -> i.path("text").asText().endsWith("# events")).findFirst()
                    .orElseThrow(() -> new AssertionError("no load of the map: " + insns));
            assertEquals(21, map.path("line").asInt(), map.toString());
            assertTrue(insns.stream().anyMatch(i -> i.path("line").asInt() == 27
                    && i.path("text").asText().startsWith("call")), "bpf_printk's call on line 27: " + insns);
            assertTrue(insns.stream().allMatch(i -> !i.has("line")
                    || (i.path("line").asInt() >= 19 && i.path("line").asInt() <= 30)), insns.toString());
            int compiledAt = indexOf(typing.seen(), m -> "compiled".equals(m.path("type").asText())
                    && m.path("id").asLong() == 11);
            assertTrue(compiledAt >= 0 && compiledAt < typing.seen().indexOf(listing),
                    "the answer first, then its instructions: " + typing.seen());
        }
    }

    @Test
    void aRunSendsTheInstructionsBeforeTheSandboxLoadsIt() {
        try (RunClient run = client()) {
            run.run(RunClient.program("unlink_events.bpf.c"));
            run.awaitPhase("attached", START);
            List<JsonNode> seen = run.seen();
            int listing = indexOf(seen, m -> "instructions".equals(m.path("type").asText()));
            int loading = indexOf(seen, m -> RunClient.isPhase(m, "loading"));
            assertTrue(listing >= 0 && listing < loading, "instructions, then loading: " + seen);
            assertFalse(seen.get(listing).has("id"), "a Run's listing answers no compile request: " + seen.get(listing));
            run.stop();
            run.awaitPhase("stopped", SOON);
        }
    }

    @Test
    void aFailedCompileHasNoInstructions() {
        try (RunClient typing = client()) {
            typing.send(compile(RunClient.program("syntax_error.bpf.c"), 12));
            typing.await("the answer to compile 12", m -> "compiled".equals(m.path("type").asText())
                    && m.path("id").asLong() == 12, SOON);
            typing.send(compile(RunClient.program("unlink_events.bpf.c"), 13));
            typing.await("the instructions of compile 13", m -> "instructions".equals(m.path("type").asText())
                    && m.path("id").asLong() == 13, SOON);
            assertTrue(typing.seen().stream().noneMatch(m -> "instructions".equals(m.path("type").asText())
                    && m.path("id").asLong() == 12), typing.seen().toString());
        }
    }

    @Test
    void aHugeObjectIsListedUpToTheCaps() {
        StringBuilder source = new StringBuilder("#include \"vmlinux.h\"\n#include <bpf/bpf_helpers.h>\n"
                + "char LICENSE[] SEC(\"license\") = \"GPL\";\n");
        for (int p = 0; p < 3; p++) {
            source.append("SEC(\"xdp\") int big").append(p).append("(void *ctx) {\n\tvolatile int x = 0;\n"
                    + "#pragma clang loop unroll(full)\n\tfor (int i = 0; i < 3000; i++) x += i;\n\treturn x;\n}\n");
        }
        try (RunClient typing = client()) {
            typing.send(compile(source.toString(), 14));
            JsonNode listing = typing.await("the instructions of compile 14",
                    m -> "instructions".equals(m.path("type").asText()) && m.path("id").asLong() == 14, START);
            assertTrue(listing.path("truncated").asBoolean(), "more than the caps: said so");
            int total = 0;
            for (JsonNode program : listing.path("programs")) {
                assertTrue(program.path("instructions").size() <= 4096, program.path("name").asText());
                total += program.path("instructions").size();
            }
            assertEquals(8192, total, "listed up to 8192 in all");
        }
    }

    private static int indexOf(List<JsonNode> seen, java.util.function.Predicate<JsonNode> match) {
        for (int i = 0; i < seen.size(); i++) {
            if (match.test(seen.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static ObjectNode compile(String source, long id) {
        return JSON.createObjectNode().put("type", "compile").put("source", source).put("id", id);
    }
}
