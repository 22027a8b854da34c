package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bpflab.catalog.TemplateCatalog;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.testing.RunClient;
import dev.bpflab.testing.SandboxContract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Maps you can write (issue 18) through /ws/run on a real kernel: the xdp-firewall template keeps a rule map,
 * {@code blocked_ports}; writing 7778 into it while the firewall is attached makes the next TCP connection to 7778
 * time out, deleting it lets the next one through again, and the program is never reloaded (one attached phase, one
 * program id). A write the map's BTF does not fit is refused with what to fix, and the firewall goes on. Each sandbox
 * backend extends this with its profile.
 */
public abstract class MapWritesContract extends SandboxContract {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration SOON = Duration.ofSeconds(30);
    private static final String TCP_REFUSED = "tcp: connect to port 7778 refused";
    private static final String TCP_TIMED_OUT = "tcp: connect to port 7778 timed out";

    @Test
    void aPortWrittenIntoTheRunningFirewallsRuleMapIsDroppedWithoutAReload() {
        try (RunClient run = client()) {
            run.run(firewall());
            JsonNode attached = run.awaitPhase("attached", START);
            String program = attached.path("programs").get(0).asText();
            assertTrue(program.matches("firewall → xdp on bpflab0 \\(id [1-9][0-9]*\\)"), program);
            JsonNode empty = run.await("the empty blocked_ports map with its types", m -> isMap(m, "blocked_ports"), SOON);
            assertEquals("hash", empty.path("types").path("kind").asText(), empty.toString());
            assertEquals(RunJson.mapper().createObjectNode().put("kind", "int").put("size", 2).put("signed", false),
                    empty.path("types").path("key"), empty.toString());
            assertEquals(1, empty.path("types").path("value").path("names").path("ACTION_DROP").asInt(), empty.toString());
            assertTrue(traffic(run).contains(TCP_REFUSED), "before the write, TCP to 7778 gets through");

            JsonNode written = write(run, update("blocked_ports", 7778, "ACTION_DROP"));
            assertTrue(written.path("ok").asBoolean(), written.toString());
            assertEquals("blocked_ports[7778] = ACTION_DROP", written.path("detail").asText());
            run.await("the snapshot with the new rule", m -> isMap(m, "blocked_ports")
                    && m.path("entries").size() == 1 && m.path("entries").get(0).path("key").asInt() == 7778
                    && m.path("entries").get(0).path("value").asText().equals("ACTION_DROP"), SOON);
            assertTrue(traffic(run).contains(TCP_TIMED_OUT), "the next connection to 7778 is dropped by the firewall");
            run.await("the firewall's event for the dropped TCP SYN to 7778", m -> "event".equals(m.path("type").asText())
                    && m.path("fields").path("rule").asText().equals("RULE_PORT")
                    && m.path("fields").path("protocol").asInt() == 6 && m.path("fields").path("dport").asInt() == 7778,
                    SOON);

            ObjectNode delete = RunJson.mapper().createObjectNode().put("type", "map_delete").put("map", "blocked_ports")
                    .put("key", 7778);
            assertTrue(write(run, delete).path("ok").asBoolean());
            assertTrue(traffic(run).contains(TCP_REFUSED), "deleted, the rule lets 7778 through again");

            assertEquals(1, run.seen().stream().filter(m -> RunClient.isPhase(m, "attached")).count(),
                    "the firewall was attached once and never reloaded: " + run.seen());
            assertFalse(run.seen().stream().anyMatch(m -> RunClient.isPhase(m, "compiling")
                    && run.seen().indexOf(m) > run.seen().indexOf(attached)), "nothing was compiled again");
            run.stop();
            run.awaitPhase("stopped", SOON);
        }
    }

    @Test
    void aWriteTheMapsTypesDoNotFitIsRefusedWithWhatToFix() {
        try (RunClient run = client()) {
            run.run(firewall());
            run.awaitPhase("attached", START);
            run.await("the blocked_ports snapshot", m -> isMap(m, "blocked_ports"), SOON);
            run.await("the drops snapshot", m -> isMap(m, "drops"), SOON);

            assertRefused(run, update("blocked_ports", 70000, "ACTION_DROP"), "\"key\": 70000 is out of range for __u16, 0 to 65535");
            assertRefused(run, update("blocked_ports", 7778, "ACTION_BLOCK"),
                    "\"value\": 'ACTION_BLOCK' is not a name of enum action (ACTION_PASS, ACTION_DROP)");
            assertRefused(run, update("blocked_ports", "7778", "ACTION_DROP"), "\"key\" must be a whole number");
            assertRefused(run, RunJson.mapper().createObjectNode().put("type", "map_update").put("map", "drops")
                    .put("key", "RULE_NOPE").put("value", 1), "\"key\": 'RULE_NOPE' is not a name of enum rule");
            assertRefused(run, update("events", 1, 1), "no map named 'events' has shown in the Maps tab of this run");
            assertRefused(run, RunJson.mapper().createObjectNode().put("type", "map_delete").put("map", "blocked_ports")
                    .put("key", 9), "'blocked_ports' has no entry with key 9");

            run.send(RunJson.mapper().createObjectNode().put("type", "map_update").put("map", "blocked_ports").put("key", 1));
            JsonNode error = run.awaitType("error", SOON); // the run sent none before
            assertTrue(error.path("message").asText().startsWith("map_update: \"value\" is missing"), error.toString());

            assertTrue(traffic(run).contains(TCP_REFUSED), "no refused write changed the firewall");
            run.stop();
            run.awaitPhase("stopped", SOON);
            assertRefused(run, update("blocked_ports", 7778, "ACTION_DROP"), "no program is attached: press Run first");
        }
    }

    private static String firewall() {
        return TemplateCatalog.load(Path.of("bpf-templates")).render("xdp-firewall", Map.of());
    }

    private static ObjectNode update(String map, Object key, Object value) {
        ObjectNode message = RunJson.mapper().createObjectNode().put("type", "map_update").put("map", map);
        message.set("key", RunJson.mapper().valueToTree(key));
        message.set("value", RunJson.mapper().valueToTree(value));
        return message;
    }

    private static JsonNode write(RunClient run, ObjectNode message) {
        List<JsonNode> before = run.drain();
        run.send(message);
        return awaitNew(run, before, "the answer to " + message, m -> "map_written".equals(m.path("type").asText()));
    }

    /** The first message matching {@code match} that is not one of {@code before} (await also looks back). */
    private static JsonNode awaitNew(RunClient run, List<JsonNode> before, String what, Predicate<JsonNode> match) {
        return run.await(what, m -> match.test(m) && before.stream().noneMatch(b -> b == m), SOON);
    }

    private static void assertRefused(RunClient run, ObjectNode message, String detail) {
        JsonNode answer = write(run, message);
        assertFalse(answer.path("ok").asBoolean(), answer.toString());
        assertTrue(answer.path("detail").asText().startsWith(detail), "expected '" + detail + "…', was " + answer);
    }

    private static String traffic(RunClient run) {
        List<JsonNode> before = run.drain();
        run.workload("veth-traffic");
        JsonNode answer = awaitNew(run, before, "veth-traffic's answer", m -> "workload".equals(m.path("type").asText())
                && "veth-traffic".equals(m.path("name").asText()));
        assertTrue(answer.path("ok").asBoolean(), answer.toString());
        return answer.path("detail").asText();
    }

    private static boolean isMap(JsonNode m, String name) {
        return "map".equals(m.path("type").asText()) && name.equals(m.path("name").asText());
    }

}
