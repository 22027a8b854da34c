package dev.bpflab.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The codec's answers to bad input: what a learner (or a hostile client or agent) sees, and that it stays small. */
class RunJsonTest {

    private static String refusal(String text) {
        return assertThrows(ProtocolException.class, () -> RunJson.client(text)).getMessage();
    }

    @Test
    void notJsonAndNotAnObjectSayWhatToSend() {
        assertTrue(refusal("this is not json").startsWith("that message is not JSON"), refusal("this is not json"));
        assertTrue(refusal("[1,2]").contains("one JSON object with a \"type\""));
        assertTrue(refusal("{}").startsWith("a message without \"type\": send run, workload, stop, check"));
    }

    @Test
    void anUnknownTypeIsNamedButNotEchoedInFull() {
        String huge = "x".repeat(60_000);
        String message = refusal("{\"type\":\"" + huge + "\"}");
        assertTrue(message.startsWith("unknown message type 'xxxx"), message);
        assertTrue(message.length() < 200, "the error stays small: " + message.length());
        assertTrue(message.endsWith("send run, workload, stop, check, read_iterator, compile, map_update, map_delete, "
                + "read_loaded, run_all"), message);
    }

    @Test
    void aRunAllIsCheckedAsARunAndBoundsItsSeconds() throws Exception {
        assertEquals("run_all: \"seconds\" must be a whole number from 1 to 15, was 16",
                refusal("{\"type\":\"run_all\",\"source\":\"x\",\"seconds\":16}"));
        assertEquals("run_all: \"seconds\" must be a whole number from 1 to 15, was 0",
                refusal("{\"type\":\"run_all\",\"source\":\"x\",\"seconds\":0}"));
        assertTrue(refusal("{\"type\":\"run_all\"}").startsWith("run_all: the run has no program"));
        assertTrue(refusal("{\"type\":\"run_all\",\"source\":\"x\",\"workload\":\"rm -rf\"}")
                .startsWith("run_all: \"workload\" must be one of [create-file,"), "a workload is a name of the list");
        ClientMessage.RunAll all = (ClientMessage.RunAll) RunJson.client(
                "{\"type\":\"run_all\",\"template\":\"unlinkat\",\"params\":{\"comm\":\"rm\"}}");
        assertEquals(3, all.secondsOrDefault());
        assertEquals("unlinkat", all.asRun().template());
        assertEquals("rm", all.asRun().params().path("comm").asText());
    }

    @Test
    void fieldsOfTheWrongTypeAreNamed() {
        assertEquals("run: \"timeoutSeconds\" must be a whole number",
                refusal("{\"type\":\"run\",\"source\":\"x\",\"timeoutSeconds\":\"12\"}"));
        assertEquals("run: \"timeoutSeconds\" must be a whole number, was '1.5'",
                refusal("{\"type\":\"run\",\"source\":\"x\",\"timeoutSeconds\":1.5}"));
        assertEquals("run: \"source\" must be a string, was '5'", refusal("{\"type\":\"run\",\"source\":5}"));
        assertTrue(refusal("{\"type\":\"run\",\"source\":\"x\",\"globals\":[1]}").startsWith("run: \"globals\" must be an object"));
    }

    @Test
    void aProgramWithHalfACharacterIsRefusedOnItsLine() throws Exception {
        String broken = "{\"type\":\"%s\",\"source\":\"int x;\\nchar c = '\\ud800';\\n\"}";
        for (String type : new String[] {"run", "compile"}) {
            assertEquals(type + ": \"source\" has a broken character on line 2 (half of a UTF-16 pair, \\ud800): delete it "
                    + "and type it again", refusal(String.format(broken, type)));
        }
        assertEquals("char *s = \"\ud83d\udc1d\";", ((ClientMessage.Compile) RunJson.client(
                "{\"type\":\"compile\",\"source\":\"char *s = \\\"\\ud83d\\udc1d\\\";\"}")).source(), "a whole pair is a character");
    }

    @Test
    void aCompileNeedsItsSourceAsAStringAndAWholeNonNegativeId() throws Exception {
        assertEquals(new ClientMessage.Compile("int x;", 7L), RunJson.client("{\"type\":\"compile\",\"source\":\"int x;\",\"id\":7}"));
        assertEquals(new ClientMessage.Compile("int x;", null), RunJson.client("{\"type\":\"compile\",\"source\":\"int x;\"}"));
        for (String missing : new String[] {"{\"type\":\"compile\"}", "{\"type\":\"compile\",\"source\":\"  \"}"}) {
            String message = refusal(missing);
            assertTrue(message.startsWith("compile: the compile has no program: send the C source as a string in \"source\""),
                    message);
        }
        assertEquals("compile: \"source\" must be a string, was '42'", refusal("{\"type\":\"compile\",\"source\":42}"));
        assertTrue(refusal("{\"type\":\"compile\",\"source\":[\"int x;\"]}").startsWith("compile: \"source\" must be a string"),
                refusal("{\"type\":\"compile\",\"source\":[\"int x;\"]}"));
        assertEquals("compile: \"id\" must be a whole number", refusal("{\"type\":\"compile\",\"source\":\"x\",\"id\":\"7\"}"));
        assertEquals("compile: \"id\" must be a whole number from 0 to 9007199254740991, was -1",
                refusal("{\"type\":\"compile\",\"source\":\"x\",\"id\":-1}"));
    }

    @Test
    void aVerifierLogsCutIsCountedInCharactersAndLeftOutWhenNothingWasCut() throws ProtocolException {
        String line = "{\"type\":\"diagnostics\",\"stage\":\"verify\",\"items\":[],\"log\":\"x\",\"program\":\"p\",\"logCut\":";
        assertEquals(1234, ((ServerMessage.Diagnostics) RunJson.agent(line + "1234}")).logCut());
        assertThrows(ProtocolException.class, () -> RunJson.agent(line + "-1}"));
        assertThrows(ProtocolException.class, () -> RunJson.agent(line + "99999999}"));
        String none = RunJson.write((ServerMessage) new ServerMessage.Diagnostics("verify", List.of(), "x", false, "p", 0));
        assertFalse(none.contains("logCut"), none);
    }

    @Test
    void aCompiledAnswerWithAProblemIsNotOk() {
        assertThrows(IllegalArgumentException.class, () -> new ServerMessage.Compiled(1L, true, List.of(), "clang broke"));
        assertEquals("{\"type\":\"compiled\",\"ok\":true,\"diagnostics\":[]}",
                RunJson.write(new ServerMessage.Compiled(null, true, null, null)));
    }

    @Test
    void anInstructionListingOverItsCapsIsRefused() {
        List<ProgramInstructions.Instruction> many = java.util.stream.IntStream.range(0, 4097)
                .mapToObj(i -> new ProgramInstructions.Instruction(i, "r0 = 0", null)).toList();
        assertThrows(IllegalArgumentException.class, () -> new ProgramInstructions("p", "xdp", many));
        ProgramInstructions full = new ProgramInstructions("p", "xdp", many.subList(0, 4096));
        assertThrows(IllegalArgumentException.class, () -> new ServerMessage.Instructions(null,
                List.of(full, full, new ProgramInstructions("q", "xdp", many.subList(0, 1))), true));
        assertTrue(RunJson.write(new ServerMessage.Instructions(7L, List.of(new ProgramInstructions("p", "xdp",
                List.of(new ProgramInstructions.Instruction(2, "exit", null)))), false))
                .contains("{\"index\":2,\"text\":\"exit\"}"), "an instruction without a line leaves \"line\" out");
    }

    @Test
    void globalsAreCheckedBeforeAnythingRuns() {
        assertTrue(refusal("{\"type\":\"run\",\"source\":\"x\",\"globals\":{\"tag\":{\"deep\":1}}}")
                .contains("global 'tag' must be a number, true/false or a string"));
        assertTrue(refusal("{\"type\":\"run\",\"source\":\"x\",\"globals\":{\"not a name\":1}}")
                .contains("is not a C identifier"));
        ClientMessage.Run run = (ClientMessage.Run) assertDoesNotThrow(
                "{\"type\":\"run\",\"source\":\"x\",\"globals\":{\"tag\":4242,\"verbose\":true,\"comm\":\"rm\"}}");
        assertEquals(4242, run.globals().get("tag").asInt());
    }

    @Test
    void aRunNeedsSourceOrTemplate() {
        assertTrue(refusal("{\"type\":\"run\",\"source\":\"  \"}").contains("the run has no program"));
        assertTrue(refusal("{\"type\":\"run\",\"template\":\"../etc\"}").contains("\"template\" must be a template id"));
        assertTrue(refusal("{\"type\":\"run\",\"template\":\"hello\",\"params\":3}").contains("\"params\" must be an object"));
    }

    @Test
    void anUnknownWorkloadListsTheKnownOnesAndQuotesLittle() {
        String message = refusal("{\"type\":\"workload\",\"name\":\"format-disk" + "y".repeat(5000) + "\"}");
        assertTrue(message.startsWith("workload: \"name\" must be one of [create-file, write-file"), message);
        assertTrue(message.contains(", was 'format-disk"), message);
        assertTrue(message.length() < 400, message);
        assertInstanceOf(ClientMessage.Workload.class, assertDoesNotThrow("{\"type\":\"workload\",\"name\":\"chmod-file\"}"));
    }

    @Test
    void aWorkloadIsNamedNotNumbered() {
        assertTrue(refusal("{\"type\":\"workload\",\"name\":3}").startsWith("workload: \"name\" must be one of"));
    }

    @Test
    void aNumberTooLargeForItsFieldIsSaidInWords() {
        String message = refusal("{\"type\":\"run\",\"source\":\"x\",\"timeoutSeconds\":99999999999999}");
        assertTrue(message.startsWith("run: \"timeoutSeconds\" is out of range") || message.startsWith(
                "run: a number is out of range"), message);
        assertFalse(message.contains("2147483647"), message);
        assertTrue(message.length() < 200, message);
    }

    @Test
    void aCheckNeedsALessonAndAStepFromZero() {
        assertTrue(refusal("{\"type\":\"check\",\"lesson\":\"02\",\"step\":-1}").contains("\"step\" must be the number"));
        assertTrue(refusal("{\"type\":\"check\",\"step\":0}").contains("\"lesson\" must be a lesson id"));
        assertTrue(refusal("{\"type\":\"check\",\"lesson\":\"02\",\"step\":0,\"lang\":\"fr\"}").contains("\"es\" or \"en\""));
        ClientMessage.Check check = (ClientMessage.Check) assertDoesNotThrow("{\"type\":\"check\",\"lesson\":\"02\",\"step\":0}");
        assertEquals("en", check.lang());
    }

    @Test
    void deepNestingIsRefusedBeforeItIsBuilt() {
        String deep = "{\"type\":\"run\",\"source\":\"x\",\"params\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        String message = refusal(deep);
        assertTrue(message.startsWith("that message is too large to read: JSON nested at most 64 levels"), message);
        assertFalse(message.contains("StreamReadConstraints"), "no Java names: " + message);
    }

    @Test
    void anAgentCannotForgeServerOnlyMessages() {
        String forged = "{\"type\":\"check\",\"lesson\":\"02\",\"step\":0,\"passed\":true,\"message\":\"ok\"}";
        ProtocolException e = assertThrows(ProtocolException.class, () -> RunJson.agent(forged));
        assertTrue(e.getMessage().startsWith("unknown message type 'check'"), e.getMessage());
        assertThrows(ProtocolException.class, () -> RunJson.agent("{\"type\":\"sandbox\",\"backend\":\"qemu\"}"));
        assertThrows(ProtocolException.class, () -> RunJson.agent("{\"type\":\"phase\",\"phase\":\"hacked\"}"));
        assertThrows(ProtocolException.class, () -> RunJson.agent("{\"type\":\"event\",\"map\":\"m\",\"fields\":[1]}"));
        // A compile answer is the server's: an agent cannot mark the learner's editor.
        assertThrows(ProtocolException.class, () -> RunJson.agent("{\"type\":\"compiled\",\"ok\":true,\"diagnostics\":[]}"));
        // So is an instruction listing: an agent cannot make the Instructions tab show what clang never made.
        assertThrows(ProtocolException.class, () -> RunJson.agent("{\"type\":\"instructions\",\"programs\":[],"
                + "\"truncated\":false}"));
    }

    @Test
    void anAgentsLongTextIsCutNotPassedOn() throws Exception {
        AgentMessage message = RunJson.agent("{\"type\":\"error\",\"message\":\"" + "a".repeat(100_000) + "\"}");
        String text = ((ServerMessage.Error) message).message();
        assertEquals(ServerMessage.MAX_TEXT_CHARS, text.length());
        assertTrue(text.endsWith("…"));
    }

    @Test
    void phasesAreLiveOrFinalAndWrittenInLowerCase() throws Exception {
        for (RunPhase phase : RunPhase.values()) {
            assertTrue(phase.isLive() != phase.isFinal(), phase + " is live or final");
        }
        assertEquals("{\"type\":\"phase\",\"phase\":\"queued\",\"position\":2}",
                RunJson.write((ServerMessage) ServerMessage.Phase.queued(2)));
        assertEquals("{\"type\":\"phase\",\"phase\":\"queued\"}", RunJson.write((ServerMessage) ServerMessage.Phase.queued(0)));
        assertEquals(List.of("run", "workload", "stop", "check", "read_iterator", "compile", "map_update", "map_delete",
                "read_loaded", "run_all"), RunJson.types(ClientMessage.class));
        assertFalse(RunJson.types(AgentMessage.class).contains("check"));
    }

    private static ClientMessage assertDoesNotThrow(String text) {
        try {
            return RunJson.client(text);
        } catch (ProtocolException e) {
            throw new AssertionError("refused: " + e.getMessage(), e);
        }
    }

    @Test
    void preparingGoesOnlyWithAQueuedRunWithoutAPlace() throws Exception {
        ServerMessage.Phase phase = (ServerMessage.Phase) RunJson.server(
                "{\"type\":\"phase\",\"phase\":\"queued\",\"preparing\":{\"stage\":\"saved-vm\",\"stageSeconds\":5,\"seconds\":200}}");
        assertEquals(PreparationStage.SAVED_VM, phase.preparing().stage());
        String written = RunJson.write((ServerMessage) phase);
        assertTrue(written.contains("\"step\":4,\"steps\":4"), "the step comes with the stage: " + written);
        assertTrue(written.contains("\"text\":\"booting the VM runs start from\""), written);
        for (String bad : List.of(
                "{\"type\":\"phase\",\"phase\":\"queued\",\"position\":2,\"preparing\":{\"stage\":\"headers\",\"stageSeconds\":1,\"seconds\":1}}",
                "{\"type\":\"phase\",\"phase\":\"loading\",\"preparing\":{\"stage\":\"headers\",\"stageSeconds\":1,\"seconds\":1}}",
                "{\"type\":\"phase\",\"phase\":\"queued\",\"preparing\":{\"stage\":\"knitting\",\"stageSeconds\":1,\"seconds\":1}}",
                "{\"type\":\"phase\",\"phase\":\"queued\",\"preparing\":{\"stage\":\"headers\",\"stageSeconds\":9,\"seconds\":1}}")) {
            assertThrows(ProtocolException.class, () -> RunJson.server(bad), bad);
        }
    }
}
