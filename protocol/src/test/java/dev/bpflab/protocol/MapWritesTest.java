package dev.bpflab.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A map write's shape is refused whole, before it reaches a run, with an error that says what to send. */
class MapWritesTest {
    @Test
    void aWellFormedWriteDecodesWithItsTypedKeyAndValue() throws ProtocolException {
        ClientMessage.MapUpdate update = (ClientMessage.MapUpdate) RunJson.client(
                "{\"type\":\"map_update\",\"map\":\"counts\",\"key\":{\"comm\":\"bash\"},\"value\":0}");
        assertEquals("bash", update.key().path("comm").asText());
        assertEquals(0, update.value().asInt());
    }

    @Test
    void aWriteWithoutKeyOrValueSaysWhatToSend() {
        assertTrue(refusal("{\"type\":\"map_update\",\"map\":\"blocked_ports\",\"value\":1}")
                .startsWith("map_update: \"key\" is missing: send the entry's key"));
        assertTrue(refusal("{\"type\":\"map_update\",\"map\":\"blocked_ports\",\"key\":7778}")
                .startsWith("map_update: \"value\" is missing"));
        assertTrue(refusal("{\"type\":\"map_delete\",\"map\":\"blocked_ports\",\"key\":null}")
                .startsWith("map_delete: \"key\" is missing"));
    }

    @Test
    void aMapIsNamedByACIdentifierNeverAnInternalMap() {
        String message = refusal("{\"type\":\"map_update\",\"map\":\"prog.rodata\",\"key\":0,\"value\":1}");
        assertTrue(message.contains("\"map\" must name one of the run's hash or array maps"), message);
        assertTrue(message.contains("'prog.rodata'"), message);
    }

    @Test
    void aKeyOrValueLargerThanTheLimitIsRefusedAndNotEchoed() {
        String big = "\"" + "x".repeat(MapWrites.MAX_JSON_CHARS) + "\"";
        String message = refusal("{\"type\":\"map_update\",\"map\":\"m\",\"key\":0,\"value\":" + big + "}");
        assertTrue(message.contains("\"value\" is " + (MapWrites.MAX_JSON_CHARS + 2) + " characters of JSON; the limit is "
                + MapWrites.MAX_JSON_CHARS), message);
        assertTrue(message.length() < 200, message);
    }

    private static String refusal(String json) {
        return assertThrows(ProtocolException.class, () -> RunJson.client(json)).getMessage();
    }
}
