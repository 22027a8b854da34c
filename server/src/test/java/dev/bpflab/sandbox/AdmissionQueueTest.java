package dev.bpflab.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AdmissionQueueTest {

    /** One run waiting on its own thread: the places it was told, and its slot once admitted. */
    private static final class Waiter {
        final List<Integer> places = new CopyOnWriteArrayList<>();
        final CompletableFuture<AdmissionQueue.Slot> slot = new CompletableFuture<>();
        final Thread thread;

        Waiter(AdmissionQueue queue, Object owner) {
            thread = new Thread(() -> {
                try {
                    AdmissionQueue.Slot admitted = queue.acquire(owner, places::add);
                    admitted.served(null); // as a backend whose sandbox is ready at once
                    slot.complete(admitted);
                } catch (InterruptedException e) {
                    slot.completeExceptionally(e);
                }
            });
            thread.start();
        }

        /** Waits until the last place told is {@code expected}. */
        Waiter at(int expected) throws InterruptedException {
            for (int i = 0; i < 250 && (places.isEmpty() || places.get(places.size() - 1) != expected); i++) {
                Thread.sleep(20);
            }
            assertFalse(places.isEmpty(), "never told a place");
            assertEquals(expected, places.get(places.size() - 1), places.toString());
            return this;
        }

        AdmissionQueue.Slot admitted() throws Exception {
            return slot.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void waitersOfOneClientAreServedInTheOrderTheyAsked() throws Exception {
        AdmissionQueue queue = new AdmissionQueue(1);
        AdmissionQueue.Slot first = queue.acquire(p -> { });
        Waiter second = new Waiter(queue, null).at(1);
        Waiter third = new Waiter(queue, null).at(2);

        first.release(); // the first run ends: second is admitted, third moves up
        AdmissionQueue.Slot secondSlot = second.admitted();
        third.at(1);
        assertFalse(third.slot.isDone());
        secondSlot.release();
        third.admitted().release();
        assertEquals(List.of(1, 0), second.places);
        assertEquals(List.of(2, 1, 0), third.places);
        assertEquals(0, queue.live());
    }

    @Test
    void theNextSlotGoesToTheClientHoldingFewestAndAWaiterIsToldWhenItMovesBack() throws Exception {
        AdmissionQueue queue = new AdmissionQueue(3);
        AdmissionQueue.Slot hoarded = queue.acquire("hoarder", p -> { });
        AdmissionQueue.Slot hoardedToo = queue.acquire("hoarder", p -> { });
        AdmissionQueue.Slot adas = queue.acquire("ada", p -> { });
        Waiter hoardersNext = new Waiter(queue, "hoarder").at(1);
        Waiter bob = new Waiter(queue, "bob").at(1); // holds nothing: before the hoarder, who asked first
        hoardersNext.at(2);
        Waiter cleo = new Waiter(queue, "cleo").at(2); // holds nothing either: after bob, who asked first
        hoardersNext.at(3);
        Waiter adasNext = new Waiter(queue, "ada").at(3); // holds one run, the hoarder two
        hoardersNext.at(4);

        hoarded.release(); // one of the hoarder's runs ends: the slot goes to bob, not to the hoarder's waiting run
        bob.admitted();
        cleo.at(1);
        hoardersNext.at(2); // the hoarder holds one now, as ada does, and asked first
        adasNext.at(3);
        assertEquals(List.of(1, 2, 3, 4, 2), hoardersNext.places);

        adas.release(); // ada holds nothing now, and cleo nothing either: cleo asked first
        cleo.admitted();
        adasNext.at(1);
        hoardersNext.at(2);

        hoardedToo.release(); // the hoarder holds nothing now either, and asked before ada
        hoardersNext.admitted();
        adasNext.at(1);
        assertEquals(List.of(3, 1), adasNext.places);
        assertEquals(3, queue.live());
        assertEquals(1, queue.waiting());
    }

    @Test
    void aClientsSecondWaitingRunGoesAfterEveryoneElsesFirst() throws Exception {
        AdmissionQueue queue = new AdmissionQueue(1);
        AdmissionQueue.Slot held = queue.acquire("someone", p -> { });
        Waiter first = new Waiter(queue, "script").at(1);
        Waiter second = new Waiter(queue, "script").at(2);
        Waiter learner = new Waiter(queue, "learner").at(2);
        second.at(3);
        assertEquals(List.of(1), first.places, "a run arriving behind it does not move the script's first run");
        held.release();
        first.admitted();
        learner.at(1);
        second.at(2);
    }

    @Test
    void aWaiterInterruptedLeavesTheQueueAndTheOthersMoveUp() throws Exception {
        AdmissionQueue queue = new AdmissionQueue(1);
        AdmissionQueue.Slot held = queue.acquire("a", p -> { });
        Waiter leaving = new Waiter(queue, "b").at(1);
        Waiter staying = new Waiter(queue, "c").at(2);
        leaving.thread.interrupt();
        ExecutionException left = assertThrows(ExecutionException.class, leaving::admitted);
        assertTrue(left.getCause() instanceof InterruptedException, left.toString());
        staying.at(1);
        assertEquals(1, queue.waiting());
        held.release();
        held.release(); // a slot is given back once
        staying.admitted();
        assertEquals(1, queue.live());
    }

    /** A place whose reclaim is noted (with its reason) and then released, as a backend ending the run would. */
    private static AdmissionQueue.Slot held(AdmissionQueue queue, Object owner, List<String> reclaimed)
            throws InterruptedException {
        AdmissionQueue.Slot slot = queue.acquire(owner, p -> { });
        slot.served(why -> {
            reclaimed.add(owner + ": " + why);
            slot.release();
        });
        return slot;
    }

    @Test
    void aClientOverItsFairShareGivesItsOldestPlaceToAClientHoldingNoneOnceTheGraceIsOver() throws Exception {
        AdmissionQueue queue = new AdmissionQueue(3);
        queue.overShareGrace(java.time.Duration.ofSeconds(1));
        List<String> reclaimed = new CopyOnWriteArrayList<>();
        AdmissionQueue.Slot oldest = held(queue, "hoarder", reclaimed);
        held(queue, "hoarder", reclaimed);
        held(queue, "hoarder", reclaimed);

        Waiter bob = new Waiter(queue, "bob").at(1);
        assertTrue(reclaimed.isEmpty(), "within the grace the hoarder keeps its places: " + reclaimed);
        bob.admitted(); // the grace is over: one of the hoarder's places is bob's
        assertEquals(1, reclaimed.size(), reclaimed.toString());
        assertTrue(reclaimed.get(0).startsWith("hoarder: this run was ended after 1 s to give its sandbox to someone "
                + "waiting: you held 3 of the lab's 3 sandboxes"), reclaimed.get(0));
        assertTrue(reclaimed.get(0).contains("fair share (1 each now)"), reclaimed.get(0));
        oldest.release(); // it was this one, the oldest: released already, so this does nothing
        assertEquals(3, queue.live());
    }

    @Test
    void clientsWithinTheirShareKeepTheirPlacesAndAClientsOwnWaitingRunsReclaimNothing() throws Exception {
        AdmissionQueue queue = new AdmissionQueue(4);
        queue.overShareGrace(java.time.Duration.ZERO);
        List<String> reclaimed = new CopyOnWriteArrayList<>();
        held(queue, "ada", reclaimed);
        held(queue, "ada", reclaimed);
        held(queue, "bob", reclaimed);
        AdmissionQueue.Slot bobs = held(queue, "bob", reclaimed);
        Waiter adasThird = new Waiter(queue, "ada").at(1); // ada holds her share of 2 already: she takes nothing
        Waiter cleo = new Waiter(queue, "cleo"); // 4 places, 3 clients: a share of 1, ada and bob hold 2 each
        cleo.admitted();
        assertEquals(1, reclaimed.size(), reclaimed.toString());
        assertTrue(reclaimed.get(0).startsWith("ada: "), "ada's oldest place went first: " + reclaimed);
        adasThird.at(1);
        assertFalse(adasThird.slot.isDone(), "ada's own waiting run does not take bob's second place");
        bobs.release(); // a place freed in the usual way goes to the waiting run; nothing more is reclaimed
        adasThird.admitted();
        assertEquals(1, reclaimed.size(), reclaimed.toString());
    }

    @Test
    void aRunWaitingForItsSandboxAfterItsPlaceWasGivenIsOwedOneToo() throws Exception {
        AdmissionQueue queue = new AdmissionQueue(4); // places to spare: under TCG, VMs run short before places do
        queue.overShareGrace(java.time.Duration.ZERO);
        List<String> reclaimed = new CopyOnWriteArrayList<>();
        held(queue, "hoarder", reclaimed);
        held(queue, "hoarder", reclaimed);
        AdmissionQueue.Slot adas = queue.acquire("ada", p -> { }); // admitted, her VM still being restored
        Thread.sleep(200); // (a reclaim's action runs on another thread)
        assertTrue(reclaimed.isEmpty(), "4 places, 2 clients: a share of 2, the hoarder is within it: " + reclaimed);
        AdmissionQueue.Slot bobs = queue.acquire("bob", p -> { }); // 3 clients now: a share of 1
        for (int i = 0; i < 250 && reclaimed.isEmpty(); i++) { // counted as waiting 2 s after its place
            Thread.sleep(20);
        }
        assertEquals(1, reclaimed.size(), reclaimed.toString());
        assertTrue(reclaimed.get(0).startsWith("hoarder: "), reclaimed.toString());
        adas.served(null);
        bobs.served(null);
        assertEquals(1, reclaimed.size(), "once served, nobody is owed more: " + reclaimed);
    }
}
