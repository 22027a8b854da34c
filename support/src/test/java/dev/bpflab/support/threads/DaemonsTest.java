package dev.bpflab.support.threads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DaemonsTest {

    @Test
    void threadsAreNamedDaemons() throws Exception {
        CompletableFuture<Thread> ran = new CompletableFuture<>();
        Daemons.start(() -> ran.complete(Thread.currentThread()), "bpflab-test");
        Thread thread = ran.get(5, TimeUnit.SECONDS);
        assertTrue(thread.isDaemon());
        assertEquals("bpflab-test", thread.getName());
    }

    @Test
    void executorThreadsAreNamedDaemons() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor(Daemons.factory("bpflab-pool"));
        try {
            Thread thread = executor.submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
            assertTrue(thread.isDaemon());
            assertEquals("bpflab-pool", thread.getName());
        } finally {
            executor.shutdownNow();
        }
    }
}
