package dev.bpflab.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The probe and its answer: a features line from an untrusted agent is taken whole or not at all. */
class KernelFeaturesJsonTest {
    private static final String ALL = "\"kprobe\":true,\"fentry\":false,\"lsm\":false,\"ringbuf\":true,\"kfuncs\":true,"
            + "\"open-coded-iterators\":true";

    private static String refusal(String line) {
        return assertThrows(ProtocolException.class, () -> RunJson.agent(line)).getMessage();
    }

    @Test
    void aProbeIsACommandOfItsOwn() throws Exception {
        assertInstanceOf(AgentCommand.Probe.class, RunJson.command("{\"type\":\"probe\"}"));
        assertEquals("{\"type\":\"probe\"}", RunJson.write(new AgentCommand.Probe()));
    }

    @Test
    void featuresDecodeInTheFeaturesOrderWithTheirNotes() throws Exception {
        AgentMessage.Features said = (AgentMessage.Features) RunJson.agent("{\"type\":\"features\",\"features\":{"
                + "\"open-coded-iterators\":true,\"kfuncs\":true,\"ringbuf\":true,\"lsm\":false,\"fentry\":false,"
                + "\"kprobe\":true},\"notes\":{\"fentry\":\"attach failed: EPERM\"}}");
        assertEquals(List.of("kprobe", "fentry", "lsm", "ringbuf", "kfuncs", "open-coded-iterators"),
                List.copyOf(said.features().keySet()));
        assertTrue(said.has(KernelFeature.OPEN_CODED_ITERATORS));
        assertFalse(said.has(KernelFeature.FENTRY));
        assertEquals("attach failed: EPERM", said.notes().get("fentry"));
        assertEquals(said, RunJson.agent(RunJson.write(said)));
    }

    @Test
    void aMissingAnUnknownOrAMistypedFeatureIsRefused() {
        assertTrue(refusal("{\"type\":\"features\",\"features\":{\"kprobe\":true}}")
                .contains("\"features\" lacks \"fentry\""), refusal("{\"type\":\"features\",\"features\":{\"kprobe\":true}}"));
        String extra = refusal("{\"type\":\"features\",\"features\":{" + ALL + ",\"warp-drive\":true}}");
        assertTrue(extra.contains("names other than"), extra);
        String notBoolean = refusal("{\"type\":\"features\",\"features\":{" + ALL.replace("\"kprobe\":true",
                "\"kprobe\":\"yes\"") + "}}");
        assertTrue(notBoolean.contains("true or false"), notBoolean);
        String noFeatures = refusal("{\"type\":\"features\"}");
        assertTrue(noFeatures.contains("\"features\" must map each of"), noFeatures);
        String badNote = refusal("{\"type\":\"features\",\"features\":{" + ALL + "},\"notes\":{\"warp\":\"x\"}}");
        assertTrue(badNote.contains("\"notes\" may only name features"), badNote);
    }

    @Test
    void aLongNoteIsClipped() throws Exception {
        AgentMessage.Features said = (AgentMessage.Features) RunJson.agent("{\"type\":\"features\",\"features\":{" + ALL
                + "},\"notes\":{\"lsm\":\"" + "x".repeat(10_000) + "\"}}");
        assertEquals(AgentMessage.Features.MAX_NOTE_CHARS, said.notes().get("lsm").length());
    }

    @Test
    void kernelDiagnosticsAreAStageOfTheirOwn() throws Exception {
        ServerMessage.Diagnostics kernel = (ServerMessage.Diagnostics) RunJson.server("{\"type\":\"diagnostics\","
                + "\"stage\":\"kernel\",\"items\":[{\"line\":3,\"column\":5,\"severity\":\"error\",\"message\":\"m\"}]}");
        assertEquals("kernel", kernel.stage());
        String refused = assertThrows(ProtocolException.class, () -> RunJson.server(
                "{\"type\":\"diagnostics\",\"stage\":\"link\",\"items\":[]}")).getMessage();
        assertTrue(refused.contains("[compile, verify, kernel]"), refused);
    }
}
