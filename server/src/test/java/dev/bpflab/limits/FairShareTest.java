package dev.bpflab.limits;

import static dev.bpflab.limits.Hostile.PROGRAM;
import static dev.bpflab.limits.Hostile.SOON;
import static dev.bpflab.limits.Hostile.START;
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
 * A client that already holds a sandbox and asks for more, while others who hold none wait: freed sandboxes go to
 * those holding fewest, and every waiting run is told its true place, also when it moves back. Three live runs at once
 * in this profile.
 */
@QuarkusTest
@TestProfile(HostileClientsProfile.class)
@KernelTest
class FairShareTest extends HostileClientTest {

    @Test
    void freedSandboxesGoToClientsHoldingNoneBeforeTheHoardersNextRun() throws Exception {
        List<RunClient> clients = new ArrayList<>();
        try {
            RunClient hoarded = open(clients, "10.5.0.1");
            RunClient firstHolder = open(clients, "10.5.0.2");
            RunClient secondHolder = open(clients, "10.5.0.3");
            for (RunClient c : List.of(hoarded, firstHolder, secondHolder)) {
                c.sendRaw(Hostile.run(PROGRAM, 1800));
            }
            for (RunClient c : List.of(hoarded, firstHolder, secondHolder)) {
                c.awaitPhase("attached", START);
            }

            RunClient hoardersNext = open(clients, "10.5.0.1"); // the hoarder holds one, and may hold two
            hoardersNext.sendRaw(Hostile.run(PROGRAM, 1800));
            awaitPlaces(hoardersNext, List.of(1)); // nobody else waits
            RunClient ada = open(clients, "10.5.0.4");
            ada.run(PROGRAM);
            awaitPlaces(ada, List.of(1)); // holds nothing: before the hoarder's run, which asked first
            awaitPlaces(hoardersNext, List.of(1, 2));
            RunClient bob = learner(clients, "10.5.0.5");
            bob.run(PROGRAM);
            awaitPlaces(bob, List.of(2)); // a learner in a room holding nothing: after ada, who asked first
            awaitPlaces(hoardersNext, List.of(1, 2, 3));

            firstHolder.stop();
            ada.awaitPhase("attached", START);
            awaitPlaces(bob, List.of(2, 1));
            awaitPlaces(hoardersNext, List.of(1, 2, 3, 2));
            assertFalse(attached(hoardersNext), "a freed sandbox went to the hoarder while others who held none waited");

            secondHolder.stop();
            bob.awaitPhase("attached", START);
            awaitPlaces(hoardersNext, List.of(1, 2, 3, 2, 1));
            assertFalse(attached(hoardersNext));

            ada.stop(); // nobody else waits now: the hoarder's run is next, as it was told
            hoardersNext.awaitPhase("attached", START);
        } finally {
            Hostile.closeAll(clients);
        }
    }

    @Test
    void aHoarderThatFilledTheLabLosesItsOldestRunToALearnerWhoHoldsNone() throws Exception {
        List<RunClient> clients = new ArrayList<>();
        try {
            RunClient oldest = open(clients, "10.5.1.1");
            oldest.sendRaw(Hostile.run(PROGRAM, 1800));
            oldest.awaitPhase("attached", START);
            RunClient newer = open(clients, "10.5.1.1");
            newer.sendRaw(Hostile.run(PROGRAM, 1800));
            RunClient other = open(clients, "10.5.1.2");
            other.sendRaw(Hostile.run(PROGRAM, 1800));
            newer.awaitPhase("attached", START);
            other.awaitPhase("attached", START); // the lab's three sandboxes: two the hoarder's, one another's

            RunClient ada = open(clients, "10.5.1.3");
            ada.run(PROGRAM);
            ada.awaitPhase("attached", START); // 3 sandboxes, 3 clients: the hoarder's second is over its share
            JsonNode why = oldest.await("the reclaimed run's reason", m -> "error".equals(m.path("type").asText()),
                    SOON);
            assertTrue(why.path("message").asText().contains("to give its sandbox to someone waiting: you held 2 of "
                    + "the lab's 3 sandboxes"), why.toString());
            oldest.awaitPhase("failed", SOON);
            assertFalse(newer.drain().stream().anyMatch(m -> RunClient.isPhase(m, "failed")),
                    "only the hoarder's oldest run was ended");
            assertFalse(other.drain().stream().anyMatch(m -> RunClient.isPhase(m, "failed")),
                    "a client within its share keeps its run");
        } finally {
            Hostile.closeAll(clients);
        }
    }

    private RunClient open(List<RunClient> clients, String address) {
        RunClient c = Hostile.from(root, address);
        clients.add(c);
        return c;
    }

    /** A learner of a room: a token of a student who joined one (the run socket takes no other). */
    private RunClient learner(List<RunClient> clients, String address) {
        RunClient c = Hostile.learner(root, address, Classroom.open("Fair share").join("Bob").token());
        clients.add(c);
        return c;
    }

    private static boolean attached(RunClient c) {
        return c.drain().stream().anyMatch(m -> RunClient.isPhase(m, "attached"));
    }

    /** Waits until every place {@code c} was told so far is {@code expected}, in order. */
    private static void awaitPlaces(RunClient c, List<Integer> expected) throws InterruptedException {
        Hostile.await("places " + expected, () -> places(c).equals(expected), SOON, () -> "told " + places(c));
    }

    private static List<Integer> places(RunClient c) {
        return c.drain().stream().filter(m -> RunClient.isPhase(m, "queued") && m.has("position"))
                .map(m -> m.path("position").asInt()).toList();
    }
}
