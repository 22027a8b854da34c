package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.testing.RunClient;
import dev.bpflab.testing.SandboxContract;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Iterator programs ({@code SEC("iter/…")}) over /ws/run on a real kernel, shared by the sandbox backends: they print
 * only when read, so the learner gets their text at attach and again on {@code read_iterator}.
 */
public abstract class IteratorRunContract extends SandboxContract {
    protected static final Duration START = Duration.ofSeconds(90);
    protected static final Duration SOON = Duration.ofSeconds(30);
    private static final Pattern READ_AT = Pattern.compile("^read at (\\d+) ns\n");

    @Test
    void aPsListingIsShownAtAttachAndReadAfreshOnRequest() {
        try (RunClient run = client()) {
            run.run(RunClient.program("iter_ps.bpf.c"));
            JsonNode sandbox = run.awaitType("sandbox", START);
            JsonNode attached = run.awaitPhase("attached", START);
            assertEquals("ps → iter/task", attached.path("programs").get(0).asText(), attached.toString());
            JsonNode first = output(run, 1);
            assertEquals("ps", first.path("program").asText());
            assertFalse(first.path("truncated").asBoolean(), first.toString());
            assertListsTheAgent(sandbox, first.path("text").asText());

            run.send(new ObjectMapper().createObjectNode().put("type", "read_iterator"));
            JsonNode second = output(run, 2);
            assertTrue(readAt(second) > readAt(first), "the program ran again for the second read:\n"
                    + first.path("text").asText() + "\n" + second.path("text").asText());
            assertListsTheAgent(sandbox, second.path("text").asText());
            run.stop();
            run.awaitPhase("stopped", SOON);
        }
    }

    /** The agent itself is a process the listing must show ({@code comm} "bpflab-agent"), where its kernel can see it. */
    protected abstract void assertListsTheAgent(JsonNode sandboxMessage, String listing);

    protected static JsonNode output(RunClient run, int read) {
        return run.await("iterator output of read " + read, m -> "iterator_output".equals(m.path("type").asText())
                && m.path("read").asInt() == read, SOON);
    }

    private static long readAt(JsonNode output) {
        Matcher m = READ_AT.matcher(output.path("text").asText());
        assertTrue(m.find(), "the listing starts with when it ran: " + output);
        return Long.parseLong(m.group(1));
    }
}
