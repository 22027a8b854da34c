package dev.bpflab.limits;

import static dev.bpflab.limits.Hostile.SOON;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.bpflab.testing.RunClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Long mistakes get short errors: wherever an error repeats what the client sent (a message type, a lesson or template
 * id, a workload name, a step, a template parameter, a global), it repeats a short prefix, not 60 000 characters.
 */
@QuarkusTest
@TestProfile(HostileClientsProfile.class)
class EchoBoundsTest {
    private static final String LONG = "A".repeat(60_000);
    private static final String QUOTED = TextNode.valueOf(LONG).toString();
    /** 41 or more of one character: more of the filler than an error may repeat. */
    private static final Pattern REPEATED = Pattern.compile("(.)\\1{40}");

    @TestHTTPResource("/")
    URI root;

    @Test
    void errorsQuoteAShortPrefixOfWhatWasSent() throws InterruptedException {
        List<String> mistakes = List.of(
                "{\"type\":" + QUOTED + "}",
                "{\"type\":{\"nested\":" + QUOTED + "}}",
                "{\"type\":\"check\",\"lesson\":" + QUOTED + ",\"step\":0}",
                "{\"type\":\"check\",\"lesson\":\"" + "a".repeat(100) + "\",\"step\":0}",
                "{\"type\":\"check\",\"template\":" + QUOTED + "}",
                "{\"type\":\"check\",\"lesson\":\"02-watch-syscalls\",\"step\":" + QUOTED + "}",
                "{\"type\":\"check\",\"lesson\":\"02-watch-syscalls\",\"step\":" + "9".repeat(60_000) + "}",
                "{\"type\":\"workload\",\"name\":" + QUOTED + "}",
                "{\"type\":\"run\",\"template\":" + QUOTED + "}",
                "{\"type\":\"run\",\"template\":\"" + "t".repeat(100) + "\"}",
                "{\"type\":\"run\",\"template\":\"unlinkat\",\"params\":{\"comm\":" + QUOTED + "}}",
                "{\"type\":\"run\",\"template\":\"unlinkat\",\"params\":{\"comm\":{\"x\":" + QUOTED + "}}}",
                "{\"type\":\"run\",\"template\":\"unlinkat\",\"params\":{" + QUOTED + ":1}}",
                "{\"type\":\"run\",\"source\":\"int x;\",\"timeoutSeconds\":" + QUOTED + "}",
                "{\"type\":\"run\",\"source\":\"int x;\",\"globals\":{" + QUOTED + ":1}}",
                "{\"type\":\"run\",\"source\":\"int x;\",\"globals\":{\"tag\":[" + QUOTED + "]}}",
                "{\"type\":" + QUOTED);
        try (RunClient client = Hostile.from(root, "10.5.0.1")) {
            for (String mistake : mistakes) {
                int before = client.drain().size();
                client.sendRaw(mistake);
                Hostile.await("an answer to " + mistake.substring(0, 60), () -> client.drain().size() > before, SOON);
                JsonNode answer = client.drain().get(before);
                String text = answer.toString();
                assertTrue("error".equals(answer.path("type").asText()), mistake.substring(0, 80) + " refused with an error: " + text);
                assertTrue(text.length() < 400, "a " + text.length() + "-character answer to " + mistake.substring(0, 60)
                        + ": " + text.substring(0, Math.min(text.length(), 300)));
                assertFalse(REPEATED.matcher(text).find(), "more than 40 characters repeated: " + text);
            }
        }
    }
}
