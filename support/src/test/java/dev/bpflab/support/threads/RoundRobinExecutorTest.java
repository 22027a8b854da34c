package dev.bpflab.support.threads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RoundRobinExecutorTest {

    @Test
    void aClientWithManyQueuedTasksDelaysAnotherClientsTaskByOneTurnOnly() throws Exception {
        try (RoundRobinExecutor executor = new RoundRobinExecutor(1, "test-turns")) {
            CountDownLatch blocker = new CountDownLatch(1);
            CountDownLatch running = new CountDownLatch(1);
            executor.execute("someone", () -> {
                running.countDown();
                await(blocker);
            });
            assertTrue(running.await(5, TimeUnit.SECONDS));
            List<String> ran = new CopyOnWriteArrayList<>();
            CountDownLatch all = new CountDownLatch(8);
            for (int i = 0; i < 5; i++) {
                String name = "flood-" + i;
                executor.execute("flooder", () -> { ran.add(name); all.countDown(); });
            }
            executor.execute("ada", () -> { ran.add("ada"); all.countDown(); });
            executor.execute("bob", () -> { ran.add("bob-1"); all.countDown(); });
            executor.execute("bob", () -> { ran.add("bob-2"); all.countDown(); });
            assertEquals(8, executor.queued());
            blocker.countDown();
            assertTrue(all.await(5, TimeUnit.SECONDS), ran.toString());
            // Turns: the flooder asked first, then ada, then bob; each takes one task per round.
            assertEquals(List.of("flood-0", "ada", "bob-1", "flood-1", "bob-2", "flood-2", "flood-3", "flood-4"), ran);
        }
    }

    @Test
    void aFailingTaskLeavesTheThreadServingAndAClosedExecutorRefusesWork() throws Exception {
        RoundRobinExecutor executor = new RoundRobinExecutor(1, "test-turns");
        CountDownLatch after = new CountDownLatch(1);
        executor.execute(null, () -> {
            throw new IllegalStateException("a task that fails");
        });
        executor.forClient(null).execute(after::countDown);
        assertTrue(after.await(5, TimeUnit.SECONDS), "the thread died with the failing task");
        executor.close();
        assertThrows(RejectedExecutionException.class, () -> executor.execute("late", () -> { }));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
