package dev.bpflab.grading;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.ServerMessage;
import org.junit.jupiter.api.Test;

/** An expectation written with an enum's number is met by the enumerator's name that stands for it, and only by that. */
class EnumExpectationTest {
    private static Expectation expectation(String json) throws Exception {
        return new Expectation(RunJson.mapper().readTree(json));
    }

    private static ServerMessage message(String json) throws Exception {
        return RunJson.agent(json) instanceof ServerMessage m ? m : null;
    }

    @Test
    void aMapKeyNumberMatchesTheNameThatStandsForIt() throws Exception {
        Expectation portDrops = expectation("{\"type\":\"map\",\"name\":\"drops\",\"key\":1,\"minValue\":3}");
        assertTrue(portDrops.matches(message("{\"type\":\"map\",\"name\":\"drops\",\"entries\":[{\"key\":\"RULE_PORT\","
                + "\"value\":3}],\"enums\":{\"RULE_PORT\":1}}")));
        assertFalse(portDrops.matches(message("{\"type\":\"map\",\"name\":\"drops\",\"entries\":[{\"key\":\"RULE_PROTOCOL\","
                + "\"value\":3}],\"enums\":{\"RULE_PROTOCOL\":0}}")), "another rule's name");
        assertFalse(portDrops.matches(message("{\"type\":\"map\",\"name\":\"drops\",\"entries\":[{\"key\":\"RULE_PORT\","
                + "\"value\":3}]}")), "a name the message gives no number for");
    }

    @Test
    void anEventFieldNumberMatchesTheNameThatStandsForIt() throws Exception {
        Expectation udp = expectation("{\"type\":\"event\",\"fields\":{\"rule\":1,\"dport\":7777}}");
        assertTrue(udp.matches(message("{\"type\":\"event\",\"map\":\"events\",\"fields\":{\"rule\":\"RULE_PORT\","
                + "\"dport\":7777},\"enums\":{\"RULE_PORT\":1}}")));
        assertFalse(udp.matches(message("{\"type\":\"event\",\"map\":\"events\",\"fields\":{\"rule\":\"RULE_SOURCE\","
                + "\"dport\":7777},\"enums\":{\"RULE_SOURCE\":2}}")));
        assertTrue(expectation("{\"type\":\"event\",\"fields\":{\"rule\":\"RULE_PORT\"}}").matches(message(
                "{\"type\":\"event\",\"map\":\"events\",\"fields\":{\"rule\":\"RULE_PORT\"},\"enums\":{\"RULE_PORT\":1}}")),
                "the name itself still matches as text");
    }
}
