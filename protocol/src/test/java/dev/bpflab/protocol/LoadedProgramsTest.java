package dev.bpflab.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import org.junit.jupiter.api.Test;

/** A loaded-program answer comes from an untrusted agent: every figure is bounded where it is decoded. */
class LoadedProgramsTest {
    private static final String PROGRAM = "{\"name\":\"hello\",\"id\":7,\"xlatedCount\":2,\"jitedBytes\":20,"
            + "\"processed\":2,\"totalStates\":0,\"peakStates\":0,\"verificationMicros\":5,"
            + "\"instructions\":[{\"index\":0,\"text\":\"(b7) r0 = 0\",\"line\":3},{\"index\":1,\"text\":\"(95) exit\"}],"
            + "\"truncated\":false}";

    @Test
    void anAnswerFromTheAgentDecodesWithItsFigures() throws ProtocolException {
        ServerMessage.LoadedPrograms loaded = assertInstanceOf(ServerMessage.LoadedPrograms.class,
                RunJson.agent("{\"type\":\"loaded_programs\",\"programs\":[" + PROGRAM + "],\"truncated\":false}"));
        LoadedProgram p = loaded.programs().get(0);
        assertEquals(7, p.id());
        assertEquals(20, p.jitedBytes());
        assertEquals(3, p.instructions().get(0).line());
        assertNull(p.instructions().get(1).line());
        assertNull(loaded.problem());
    }

    @Test
    void theRequestIsBothTheBrowsersAndAnAgentCommand() throws ProtocolException {
        assertInstanceOf(ClientMessage.ReadLoaded.class, RunJson.client("{\"type\":\"read_loaded\"}"));
        assertInstanceOf(ClientMessage.ReadLoaded.class, RunJson.command("{\"type\":\"read_loaded\"}"));
        assertEquals("{\"type\":\"read_loaded\"}", RunJson.write((ClientMessage) new ClientMessage.ReadLoaded()));
    }

    @Test
    void figuresOutOfTheirRangeAreRefused() {
        for (String bad : new String[] {"\"id\":0", "\"xlatedCount\":-1", "\"jitedBytes\":0", "\"processed\":1000001",
                "\"peakStates\":-3", "\"verificationMicros\":-1"}) {
            String field = bad.substring(0, bad.indexOf(':'));
            String program = PROGRAM.replaceFirst(field + ":[0-9]+", bad);
            ProtocolException e = assertThrows(ProtocolException.class, () -> RunJson.agent(
                    "{\"type\":\"loaded_programs\",\"programs\":[" + program + "]}"), bad);
            assertTrue(e.getMessage().contains(field), e.getMessage());
        }
    }

    @Test
    void tooManyInstructionsAreRefused() {
        ProgramInstructions.Instruction one = new ProgramInstructions.Instruction(0, "(95) exit", null);
        assertThrows(IllegalArgumentException.class, () -> new LoadedProgram("p", 1, 1, null, null, null, null, null,
                Collections.nCopies(ProgramInstructions.MAX_PER_PROGRAM + 1, one), true));
        LoadedProgram full = new LoadedProgram("p", 1, 1, null, null, null, null, null,
                Collections.nCopies(ProgramInstructions.MAX_PER_PROGRAM, one), true);
        assertThrows(IllegalArgumentException.class, () -> new ServerMessage.LoadedPrograms(
                Collections.nCopies(3, full), true, null));
    }
}
