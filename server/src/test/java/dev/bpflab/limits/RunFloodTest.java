package dev.bpflab.limits;

import static dev.bpflab.limits.Hostile.PROGRAM;
import static dev.bpflab.limits.Hostile.SOON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.testing.KernelTest;
import dev.bpflab.testing.RunClient;
import dev.bpflab.testing.Scrape;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Clients that press Run too often while every sandbox is taken: a burst on one socket, run-and-stop over and over,
 * many sockets from one address. Whatever they do, the queue holds at most one run per connection and a few per
 * address, and nothing is left behind.
 */
@QuarkusTest
@TestProfile(HostileClientsProfile.class)
@KernelTest
class RunFloodTest extends HostileClientTest {
    @Test
    void aBurstOfRunsOnOneSocketLeavesOneTicketAndCompilesTwice() throws Exception {
        List<RunClient> holders = Hostile.holdEverySlot(root);
        List<Scrape.Sample> before = Scrape.scrape();
        int threadsBefore = Hostile.threads();
        try (RunClient flooder = Hostile.from(root, "10.1.0.1")) {
            long nonce = System.nanoTime(); // each program one the compile cache has not seen, even from earlier runs
            for (int i = 0; i < 300; i++) {
                try {
                    flooder.sendRaw(Hostile.run(PROGRAM + "// press " + i + " of " + nonce + "\n", 60));
                } catch (RuntimeException e) {
                    throw new AssertionError("the server closed the socket at run " + i + ": " + flooder.closeCode()
                            + " " + flooder.closeReason() + "; it said " + flooder.seen(), e);
                }
            }
            flooder.workload("unlink-file"); // answered once all 300 were handled: messages are handled in order
            flooder.await("the answer after the burst", m -> m.path("message").asText().startsWith("your program is not in its sandbox yet"), SOON);
            Hostile.await("the newest run queued", () -> {
                List<JsonNode> phases = flooder.drain().stream().filter(m -> "phase".equals(m.path("type").asText()))
                        .toList();
                return RunClient.isPhase(phases.get(phases.size() - 1), "queued");
            }, SOON, () -> {
                List<JsonNode> all = flooder.drain();
                return all.subList(Math.max(0, all.size() - 5), all.size()) + " of " + all.size() + "; "
                        + backend.load() + "; " + limits.usage("10.1.0.1");
            });
            int threadsAfter = Hostile.threads();
            double compiled = Scrape.delta(before, Scrape.scrape(), "bpflab_compile_cache_total", "result", "miss");
            assertTrue(compiled <= 3, "the replaced runs were not compiled: " + compiled + " compiles");
            assertTrue(threadsAfter - threadsBefore < 50, "threads grew from " + threadsBefore + " to " + threadsAfter);
            assertEquals(1, backend.load().waiting(), "one ticket in the queue for the socket");
            assertEquals(new ClientLimits.Usage(1, 1, 1), limits.usage("10.1.0.1"), "one connection, one run");
        } finally {
            Hostile.closeAll(holders);
        }
        Hostile.await("the flooder's connection and run are forgotten",
                () -> limits.usage("10.1.0.1").equals(new ClientLimits.Usage(0, 0, 0)), SOON,
                () -> limits.usage("10.1.0.1") + ", " + backend.load());
    }

    @Test
    void runThenStopWhileQueuedLeavesNothingBehind() throws Exception {
        List<RunClient> holders = Hostile.holdEverySlot(root);
        try (RunClient client = Hostile.from(root, "10.1.0.2")) {
            for (int i = 0; i < 20; i++) {
                client.run(PROGRAM);
                if (i % 2 == 0) {
                    client.await("run " + i + " queued", m -> RunClient.isPhase(m, "queued"), SOON);
                }
                client.stop(); // odd ones: stopped while still compiling or on their way to the queue
            }
            client.await("the twentieth stop", m -> RunClient.isPhase(m, "stopped") && client.seen().stream()
                    .filter(seen -> RunClient.isPhase(seen, "stopped")).count() >= 20, SOON);
            Hostile.await("nobody waits for a sandbox", () -> backend.load().waiting() == 0, SOON);
            assertEquals(3, backend.load().live(), "the holders still hold every sandbox");
            assertEquals(new ClientLimits.Usage(1, 0, 0), limits.usage("10.1.0.2"), "a connection, and no run");
            assertEquals(0, limits.waitingForLiveSlot());
        } finally {
            Hostile.closeAll(holders);
        }
    }

    @Test
    void runsWaitingFromOneAddressAreCapped() throws Exception {
        List<RunClient> holders = Hostile.holdEverySlot(root);
        List<RunClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                clients.add(Hostile.from(root, "10.1.0.3"));
            }
            for (int i = 0; i < 3; i++) {
                clients.get(i).run(PROGRAM);
                clients.get(i).awaitPhase("compiling", SOON);
            }
            clients.get(3).run(PROGRAM);
            JsonNode refusal = clients.get(3).awaitType("error", SOON);
            assertEquals("too many runs from your address are waiting already (at most 3): stop one, or wait until one "
                    + "starts", refusal.path("message").asText());
            clients.get(0).stop();
            clients.get(0).awaitPhase("stopped", SOON);
            clients.get(3).run(PROGRAM);
            clients.get(3).awaitPhase("compiling", SOON);
            assertEquals(3, limits.usage("10.1.0.3").queued());
        } finally {
            Hostile.closeAll(clients);
            Hostile.closeAll(holders);
        }
    }
}
