package dev.bpflab.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * XDP programs attach only to the sandbox's own lab interface: a browser's run and a server's command that name any
 * other interface (the host's eth0 with the local backend) are refused when decoded, before anything runs.
 */
class LabInterfaceTest {
    private static final String OBJECT = "f0VMRgIBAQAAAAAAAAAAAAEA9wABAAAA";

    @Test
    void aRunNamingAnotherInterfaceIsRefusedWithWhatIsAllowed() {
        String message = assertThrows(ProtocolException.class, () -> RunJson.client(
                "{\"type\":\"run\",\"source\":\"x\",\"xdpInterface\":\"eth0\"}")).getMessage();
        assertEquals("run: \"xdpInterface\" may only be \"bpflab0\", the sandbox's own lab interface (leave it out for "
                + "the same); was 'eth0'", message);
        String quoted = assertThrows(ProtocolException.class, () -> RunJson.client(
                "{\"type\":\"run\",\"source\":\"x\",\"xdpInterface\":\"" + "lo".repeat(5000) + "\"}")).getMessage();
        assertTrue(quoted.length() < 200, "the refusal quotes little: " + quoted.length());
    }

    @Test
    void aRunMayNameTheLabInterfaceOrNone() throws ProtocolException {
        ClientMessage.Run named = (ClientMessage.Run) RunJson.client(
                "{\"type\":\"run\",\"source\":\"x\",\"xdpInterface\":\"bpflab0\"}");
        assertEquals("bpflab0", named.xdpInterface());
        assertEquals(null, ((ClientMessage.Run) RunJson.client("{\"type\":\"run\",\"source\":\"x\"}")).xdpInterface());
    }

    @Test
    void anAgentRefusesACommandNamingAnotherInterface() throws ProtocolException {
        String message = assertThrows(ProtocolException.class, () -> RunJson.command("{\"type\":\"run\","
                + "\"source\":\"x\",\"object\":\"" + OBJECT + "\",\"timeoutSeconds\":60,\"xdpInterface\":\"eth0\"}"))
                .getMessage();
        assertTrue(message.contains("\"xdpInterface\" may only be \"bpflab0\""), message);
        AgentCommand.Start lab = (AgentCommand.Start) RunJson.command("{\"type\":\"run\",\"source\":\"x\",\"object\":\""
                + OBJECT + "\",\"timeoutSeconds\":60,\"xdpInterface\":\"bpflab0\"}");
        assertEquals("bpflab0", lab.xdpInterfaceOrDefault());
    }
}
