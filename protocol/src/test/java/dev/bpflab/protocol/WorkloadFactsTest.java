package dev.bpflab.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A workload answer's facts come from the agent, inside the learner's VM: typed and bounded like the rest. */
class WorkloadFactsTest {

    @Test
    void factsAreIntegersOrShortTextsAndRoundTrip() throws Exception {
        String line = "{\"type\":\"workload\",\"name\":\"pod-beta\",\"ok\":true,\"detail\":\"d\","
                + "\"facts\":{\"hostname\":\"pod-beta\",\"cgroup_id\":5124}}";
        ServerMessage.WorkloadResult answer = (ServerMessage.WorkloadResult) RunJson.agent(line);
        assertEquals(5124L, answer.facts().get("cgroup_id"));
        assertEquals("pod-beta", answer.facts().get("hostname"));
        assertTrue(RunJson.write((ServerMessage) answer).contains("\"facts\":{\"hostname\":\"pod-beta\",\"cgroup_id\":5124}"));
    }

    @Test
    void anAnswerWithoutFactsSaysNothingOfThem() {
        assertFalse(RunJson.write((ServerMessage) new ServerMessage.WorkloadResult("unlink-file", true, "rm -f x")).contains("facts"));
    }

    @Test
    void oversizedOrOddFactsAreRefusedWithTheReason() {
        String tooLong = "x".repeat(ServerMessage.MAX_FACT_CHARS + 1);
        for (String facts : new String[] {"{\"hostname\":\"" + tooLong + "\"}", "{\"Bad Name\":1}",
                "{\"nested\":{\"a\":1}}", "{\"big\":123456789012345678901234567890}", "{\"f\":1.5}",
                "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8,\"i\":9}"}) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> RunJson.agent(
                    "{\"type\":\"workload\",\"name\":\"pod-alpha\",\"ok\":true,\"detail\":\"d\",\"facts\":" + facts + "}"),
                    facts);
            assertTrue(e.getMessage().contains("fact"), facts + ": " + e.getMessage());
        }
    }
}
