package dev.bpflab.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An error's code and args: written only when there is a code, read back the same, and bounded like a workload's
 * facts, since an agent (inside the learner's VM) sends some of them.
 */
class ErrorCodeTest {

    @Test
    void aCodedErrorRoundTripsWithItsArgs() throws Exception {
        ServerMessage.Error error = new ServerMessage.Error("the run reached its time limit of 300 s and was stopped",
                ErrorCode.TIME_LIMIT, Map.of("seconds", 300));
        String json = RunJson.write((ServerMessage) error);
        assertTrue(json.contains("\"code\":\"time-limit\",\"args\":{\"seconds\":300}"), json);
        ServerMessage.Error read = (ServerMessage.Error) RunJson.agent(json);
        assertEquals(ErrorCode.TIME_LIMIT, read.code());
        assertEquals(300L, read.args().get("seconds"));
        assertEquals(error.message(), read.message());
    }

    @Test
    void aPlainErrorSaysNothingOfCodes() throws Exception {
        String json = RunJson.write((ServerMessage) new ServerMessage.Error("reading maps failed: EPERM"));
        assertFalse(json.contains("code") || json.contains("args"), json);
        assertNull(((ServerMessage.Error) RunJson.agent(json)).code());
    }

    @Test
    void everyCodeHasAWireNameItIsReadBackFrom() {
        for (ErrorCode code : ErrorCode.values()) {
            assertTrue(code.wire().matches("[a-z]+(-[a-z]+)*"), code.wire());
            assertEquals(code, ErrorCode.fromWire(code.wire()).orElseThrow());
        }
    }

    @Test
    void unknownCodesArgsWithoutACodeAndOddArgsAreRefused() {
        for (String rest : new String[] {"\"code\":\"made-up\"", "\"args\":{\"seconds\":1}",
                "\"code\":\"time-limit\",\"args\":{\"Bad Name\":1}", "\"code\":\"no-run\",\"args\":{\"w\":{\"a\":1}}",
                "\"code\":\"no-run\",\"args\":{\"workload\":\"" + "x".repeat(ServerMessage.MAX_FACT_CHARS + 1) + "\"}"}) {
            assertThrows(ProtocolException.class, () -> RunJson.agent("{\"type\":\"error\",\"message\":\"m\"," + rest + "}"), rest);
        }
    }
}
