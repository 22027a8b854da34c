package dev.bpflab.limits;

import static dev.bpflab.limits.Hostile.PROGRAM;
import static dev.bpflab.limits.Hostile.START;
import static dev.bpflab.limits.Hostile.SOON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.testing.Classroom;
import dev.bpflab.testing.KernelTest;
import dev.bpflab.testing.RunClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Clients that try to hold the lab's sandboxes: one address with many half-hour runs, one learner with several tabs
 * or a script pressing Run. Three live runs at once in this profile, two per address, one per learner.
 */
@QuarkusTest
@TestProfile(HostileClientsProfile.class)
@KernelTest
class SlotHoardingTest extends HostileClientTest {
    @Test
    void halfHourRunsFromOneAddressLeaveASlotForEveryoneElse() throws Exception {
        List<RunClient> hoarder = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                RunClient c = Hostile.from(root, "10.2.0.1");
                c.sendRaw(Hostile.run(PROGRAM, 1800));
                hoarder.add(c);
                if (i == 1) { // (three runs compiling at once from one address would be the most that may wait)
                    hoarder.get(0).awaitPhase("attached", START);
                    hoarder.get(1).awaitPhase("attached", START);
                } else if (i > 1) { // one after the other: each socket's messages are handled on their own
                    hoarder.get(i).awaitPhase("queued", SOON);
                }
            }
            assertEquals(new ClientLimits.Usage(4, 2, 2), limits.usage("10.2.0.1"), "two live, two waiting");

            RunClient learner = Hostile.from(root, "10.2.0.9"); // (a socket opened early would be closed as idle)
            hoarder.add(learner);
            learner.run(PROGRAM);
            learner.awaitPhase("attached", START); // the third sandbox, though the hoarder asked first
            assertEquals(3, backend.load().live());
            assertFalse(hoarder.get(2).seen().stream().anyMatch(m -> RunClient.isPhase(m, "attached")));

            hoarder.get(0).stop();
            hoarder.get(0).awaitPhase("stopped", SOON);
            JsonNode next = hoarder.get(2).awaitPhase("attached", START); // the hoarder's own next run, in order
            assertTrue(hoarder.get(3).seen().stream().noneMatch(m -> RunClient.isPhase(m, "attached")), next.toString());
        } finally {
            Hostile.closeAll(hoarder);
        }
    }

    @Test
    void aLearnersSecondTabWaitsForTheFirstAndAScriptIsHeldToTheRunRate() throws Exception {
        try (Classroom room = Classroom.open("Second tab")) {
            String token = room.join("Ada").token();
            try (RunClient first = Hostile.learner(root, "10.2.0.2", token);
                    RunClient second = Hostile.learner(root, "10.2.0.2", token);
                    RunClient classmate = Hostile.learner(root, "10.2.0.2", room.join("Bob").token())) {
                first.run(PROGRAM);
                first.awaitPhase("attached", START);
                second.run(PROGRAM);
                second.awaitPhase("queued", SOON); // a sandbox is free, but the learner's one live run is taken
                classmate.run(PROGRAM);
                classmate.awaitPhase("attached", START); // same address, another learner: it has room

                first.stop();
                first.awaitPhase("stopped", SOON);
                second.awaitPhase("attached", START);

                first.run(PROGRAM); // the learner's third run this minute: allowed, it waits behind the second
                first.await("the third run compiling", m -> RunClient.isPhase(m, "compiling") && first.seen().stream()
                        .filter(s -> RunClient.isPhase(s, "compiling")).count() == 2, SOON);
                first.run(PROGRAM); // the fourth: refused, and the third is left as it was
                JsonNode refusal = first.awaitType("error", SOON);
                assertTrue(refusal.path("message").asText().matches(
                        "too many runs for one learner \\(at most 3 a minute\\): try again in \\d+ s"), refusal.toString());
                assertEquals(1, limits.usage("10.2.0.2").queued(), "the third run still waits");
            }
        }
    }
}
