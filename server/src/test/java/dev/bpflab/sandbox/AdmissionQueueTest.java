package dev.bpflab.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AdmissionQueueTest {

    @Test
    void waitersLearnTheirPlaceAndAreServedInOrder() throws Exception {
        AdmissionQueue queue = new AdmissionQueue(1);
        queue.acquire(p -> { });
        List<Integer> secondPositions = new CopyOnWriteArrayList<>();
        List<Integer> thirdPositions = new CopyOnWriteArrayList<>();
        List<String> served = new CopyOnWriteArrayList<>();
        CountDownLatch bothWaiting = new CountDownLatch(2);
        Thread second = waiter(queue, secondPositions, served, "second", bothWaiting);
        awaitPosition(secondPositions, 1);
        Thread third = waiter(queue, thirdPositions, served, "third", bothWaiting);
        assertTrue(bothWaiting.await(5, TimeUnit.SECONDS));
        awaitPosition(thirdPositions, 2);

        queue.release(); // the first run ends: second is admitted, third moves up
        second.join(5000);
        awaitPosition(thirdPositions, 1);
        assertEquals(List.of("second"), served);
        queue.release();
        third.join(5000);
        assertEquals(List.of("second", "third"), served);
        assertEquals(List.of(1, 0), secondPositions);
        assertEquals(List.of(2, 1, 0), thirdPositions);
    }

    private static Thread waiter(AdmissionQueue queue, List<Integer> positions, List<String> served, String name,
            CountDownLatch waiting) {
        Thread t = new Thread(() -> {
            try {
                queue.acquire(p -> {
                    positions.add(p);
                    if (p > 0 && positions.size() == 1) {
                        waiting.countDown();
                    }
                });
                served.add(name);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        return t;
    }

    private static void awaitPosition(List<Integer> positions, int expected) throws InterruptedException {
        for (int i = 0; i < 100 && (positions.isEmpty() || positions.get(positions.size() - 1) != expected); i++) {
            Thread.sleep(20);
        }
        assertEquals(expected, positions.get(positions.size() - 1), positions.toString());
    }
}
