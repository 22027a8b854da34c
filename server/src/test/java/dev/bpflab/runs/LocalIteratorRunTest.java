package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.limits.LimitSettings;
import dev.bpflab.testing.KernelTest;
import dev.bpflab.testing.RunClient;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Iterator programs against the local backend: the agent as a child process on this machine's kernel. */
@QuarkusTest
@KernelTest
class LocalIteratorRunTest extends IteratorRunContract {
    private static final String READ = new ObjectMapper().createObjectNode().put("type", "read_iterator").toString();

    @Override
    protected void assertListsTheAgent(JsonNode sandboxMessage, String listing) {
        long agent = RunLoopContract.sandboxPid(sandboxMessage);
        assertTrue(listing.contains(String.format("%7d bpflab-agent\n", agent)), "the agent, pid " + agent + ":\n" + listing);
    }

    @Test
    void readingWithoutAnAttachedIteratorSaysWhy() {
        try (RunClient run = new RunClient(root)) {
            run.sendRaw(READ);
            run.await("an error: nothing runs", m -> "error".equals(m.path("type").asText())
                    && m.path("message").asText().startsWith("no program is attached to read: press Run first"), SOON);
            run.run(RunClient.program("unlink_events.bpf.c"));
            run.awaitPhase("attached", START);
            run.sendRaw(READ);
            run.await("an error: no iterator", m -> "error".equals(m.path("type").asText())
                    && m.path("message").asText().startsWith("this program has no iterator to read"), SOON);
        }
    }

    @Test
    void aRunsIteratorsAreReadAgainAtMostTheConfiguredTimesAMinute() {
        int perMinute = LimitSettings.DEFAULT_ITERATOR_READS_PER_MINUTE;
        try (RunClient run = new RunClient(root)) {
            run.run(RunClient.program("iter_ps.bpf.c"));
            run.awaitPhase("attached", START);
            output(run, 1);
            for (int i = 0; i <= perMinute; i++) {
                run.sendRaw(READ);
            }
            JsonNode refused = run.await("the refusal of one read too many", m -> "error".equals(m.path("type").asText())
                    && m.path("message").asText().startsWith("a run's iterators may be read again at most " + perMinute
                            + " times a minute: try again in "), SOON);
            output(run, 1 + perMinute); // every read within the budget was answered
            assertTrue(run.seen().stream().noneMatch(m -> "iterator_output".equals(m.path("type").asText())
                    && m.path("read").asInt() > 1 + perMinute), refused.toString());
        }
    }
}
