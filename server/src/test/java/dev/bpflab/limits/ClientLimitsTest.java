package dev.bpflab.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ClientLimitsTest {
    private static final LimitSettings.Caps ADDRESS = new LimitSettings.Caps(2, 3, 4, 100);
    private static final LimitSettings.Caps LEARNER = new LimitSettings.Caps(1, 2, 3, 5);
    private final ClientLimits limits = new ClientLimits(
            new LimitSettings(ADDRESS, LEARNER, 1 << 20, Duration.ofMinutes(1), false));

    private static final Client HOARDER = new Client("10.0.0.1", null);
    private static final Client OTHER = new Client("10.0.0.2", null);

    /** One run's view of its live slot: the places it was told, and whether it was let in. */
    private static final class Waiter {
        final List<Integer> places = new CopyOnWriteArrayList<>();
        volatile boolean admitted;

        Waiter(RunPass pass) {
            pass.awaitLiveSlot(places::add, () -> admitted = true);
        }
    }

    @Test
    void liveRunsBeyondTheAddressCapWaitWhileOtherAddressesGoBy() throws Exception {
        RunPass first = limits.startRun(HOARDER, null);
        RunPass second = limits.startRun(HOARDER, null);
        RunPass third = limits.startRun(HOARDER, null);
        Waiter a = new Waiter(first);
        Waiter b = new Waiter(second);
        Waiter c = new Waiter(third);
        assertTrue(a.admitted && b.admitted, "two live runs from one address");
        assertEquals(List.of(1), c.places, "the third waits, first in its address's line");
        assertTrue(!c.admitted);

        Waiter outsider = new Waiter(limits.startRun(OTHER, null));
        assertTrue(outsider.admitted, "another address is not held up by the hoarder's waiting run");

        first.end();
        assertTrue(c.admitted, "a hoarder's run ending lets its next run in");
        assertEquals(new ClientLimits.Usage(0, 2, 2), limits.usage("10.0.0.1"), "two waiting for a sandbox, both past the cap");
    }

    /** A matrix of kernels is one press: its other kernels' passes count only against live runs, and wait for them. */
    @Test
    void passesAlongsideAPressCountOnlyAsLiveRuns() throws Exception {
        Client learner = new Client("10.0.0.3", "token-1");
        RunPass press = limits.startRun(learner, null);
        RunPass second = limits.alongside(press);
        RunPass third = limits.alongside(press);
        assertEquals(new ClientLimits.Usage(0, 1, 0), limits.usage("10.0.0.3"), "one press waiting, not three");
        Waiter a = new Waiter(press);
        Waiter b = new Waiter(second);
        Waiter c = new Waiter(third);
        assertTrue(a.admitted && !b.admitted && !c.admitted, "the learner's one live slot: one kernel at a time");
        press.sandboxTaken();
        second.sandboxTaken(); // not queued: nothing to undo
        assertEquals(new ClientLimits.Usage(0, 0, 1), limits.usage("10.0.0.3"));
        press.end();
        assertTrue(b.admitted && !c.admitted, "the next kernel once the first gave its sandbox back");
        second.end();
        assertTrue(c.admitted);
        third.end();
        assertEquals(new ClientLimits.Usage(0, 0, 0), limits.usage("10.0.0.3"), "nothing left behind");
        // The press counted once against the learner's 5 runs a minute: 4 more go.
        for (int i = 0; i < 4; i++) {
            limits.startRun(learner, null).end();
        }
        assertThrows(LimitException.class, () -> limits.startRun(learner, null));
    }

    @Test
    void aRunEndedWhileWaitingLeavesNothingBehind() throws Exception {
        RunPass a = limits.startRun(HOARDER, null);
        RunPass b = limits.startRun(HOARDER, null);
        new Waiter(a);
        new Waiter(b);
        RunPass waiting = limits.startRun(HOARDER, null);
        Waiter w = new Waiter(waiting);
        assertEquals(1, limits.waitingForLiveSlot());
        waiting.end();
        waiting.end(); // idempotent
        assertEquals(0, limits.waitingForLiveSlot());
        assertTrue(!w.admitted);
        a.sandboxTaken();
        b.sandboxTaken();
        a.end();
        b.end();
        assertEquals(new ClientLimits.Usage(0, 0, 0), limits.usage("10.0.0.1"), "an address holding nothing");
    }

    @Test
    void queuedRunsAreCappedAndARunThatReplacesItsOwnQueuedRunIsNot() throws Exception {
        RunPass one = limits.startRun(HOARDER, null);
        limits.startRun(HOARDER, null);
        RunPass three = limits.startRun(HOARDER, null);
        LimitException refused = assertThrows(LimitException.class, () -> limits.startRun(HOARDER, null));
        assertTrue(refused.getMessage().contains("at most 3"), refused.getMessage());
        RunPass replacement = limits.startRun(HOARDER, three); // the same connection pressing Run again
        three.end();
        one.sandboxTaken(); // holds a sandbox now: no longer queued
        limits.startRun(HOARDER, null);
        assertEquals(3, limits.usage("10.0.0.1").queued());
        replacement.end();
    }

    @Test
    void connectionsAreCappedPerAddressAndPerLearner() throws Exception {
        Client ada = new Client("10.0.0.3", "ada-token");
        for (int i = 0; i < 3; i++) {
            limits.openConnection(ada);
        }
        LimitException learner = assertThrows(LimitException.class, () -> limits.openConnection(ada));
        assertTrue(learner.getMessage().contains("learner token (at most 3"), learner.getMessage());
        limits.openConnection(new Client("10.0.0.3", null));
        LimitException address = assertThrows(LimitException.class,
                () -> limits.openConnection(new Client("10.0.0.3", "bob-token")));
        assertTrue(address.getMessage().contains("from your address (at most 4"), address.getMessage());
        limits.closeConnection(ada);
        limits.openConnection(new Client("10.0.0.3", "bob-token"));
    }

    @Test
    void aLearnersRunsAreCappedBelowTheAddresss() throws Exception {
        Client ada = new Client("10.0.0.4", "ada-token");
        Waiter first = new Waiter(limits.startRun(ada, null));
        Waiter second = new Waiter(limits.startRun(ada, null));
        assertTrue(first.admitted);
        assertTrue(!second.admitted, "one live run per learner here");
        assertThrows(LimitException.class, () -> limits.startRun(ada, null), "two waiting per learner");
        Waiter classmate = new Waiter(limits.startRun(new Client("10.0.0.4", "bob-token"), null));
        assertTrue(classmate.admitted, "the address has room for another learner");
    }

    @Test
    void runsPerMinuteAreRefusedWithHowLongToWait() throws Exception {
        Client ada = new Client("10.0.0.5", "ada-token");
        for (int i = 0; i < 5; i++) {
            limits.startRun(ada, null).end();
        }
        LimitException refused = assertThrows(LimitException.class, () -> limits.startRun(ada, null));
        assertTrue(refused.getMessage().matches("too many runs for one learner \\(at most 5 a minute\\): try again in \\d+ s"),
                refused.getMessage());
    }

    @Test
    void runsWithoutALearnerTokenHaveALowerCapThanTheAddresssRoomLearners() throws Exception {
        ClientLimits lab = new ClientLimits(new LimitSettings(new LimitSettings.Caps(3, 10, 10, 100), LEARNER, 1,
                1 << 20, Duration.ofMinutes(1), false));
        Waiter visitor = new Waiter(lab.startRun(new Client("10.0.0.6", null), null));
        Waiter visitorsSecond = new Waiter(lab.startRun(new Client("10.0.0.6", null), null));
        assertTrue(visitor.admitted);
        assertTrue(!visitorsSecond.admitted, "one live run for the address's runs without a token");
        Waiter ada = new Waiter(lab.startRun(new Client("10.0.0.6", "ada-token"), null));
        Waiter bob = new Waiter(lab.startRun(new Client("10.0.0.6", "bob-token"), null));
        assertTrue(ada.admitted && bob.admitted, "learners in a room behind the same address are not held to it");
        Waiter cleo = new Waiter(lab.startRun(new Client("10.0.0.6", "cleo-token"), null));
        assertTrue(!cleo.admitted, "the address's cap still counts every run");
    }

    @Test
    void byDefaultRunsWithoutALearnerTokenTakeAtMostHalfTheSlots() {
        assertEquals(1, LimitSettings.defaultLiveRunsWithoutLearner(1, 1));
        assertEquals(1, LimitSettings.defaultLiveRunsWithoutLearner(3, 2));
        assertEquals(4, LimitSettings.defaultLiveRunsWithoutLearner(8, 6));
        assertEquals(16, LimitSettings.defaultLiveRunsWithoutLearner(32, 24));
        assertEquals(2, LimitSettings.defaultLiveRunsWithoutLearner(32, 2), "never more than the address's cap");
    }

    @Test
    void byDefaultOneAddressNeverHoldsEveryLiveSlot() {
        assertEquals(1, LimitSettings.defaultLiveRunsPerAddress(1), "one slot: nothing to keep back");
        assertEquals(1, LimitSettings.defaultLiveRunsPerAddress(2));
        assertEquals(6, LimitSettings.defaultLiveRunsPerAddress(8));
        assertEquals(24, LimitSettings.defaultLiveRunsPerAddress(32));
    }
}
