package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The stream to one browser: a page that reads nothing while its run's events are shed is hung up on. */
class ClientStreamTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

    /** A socket whose client reads (each send is written at once) or never reads (nothing is ever written). */
    private static final class Socket implements ClientStream.Outlet {
        final boolean reads;
        final List<String> hungUp = new CopyOnWriteArrayList<>();
        final AtomicInteger sent = new AtomicInteger();

        Socket(boolean reads) {
            this.reads = reads;
        }

        @Override
        public CompletionStage<?> send(String text) {
            sent.incrementAndGet();
            return reads ? CompletableFuture.completedFuture(null) : new CompletableFuture<>();
        }

        @Override
        public void hangUp(String reason) {
            hungUp.add(reason);
        }
    }

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    @Test
    void aPageThatReadsNothingWhileEventsAreShedIsHungUpOnAfterTheStallAndItsRunEnds() throws Exception {
        Socket socket = new Socket(false);
        AtomicInteger ended = new AtomicInteger();
        ClientStream stream = new ClientStream(socket, 1 << 20, Duration.ofSeconds(1), timers, ended::incrementAndGet);
        for (int i = 0; i < ClientStream.STREAM_BACKLOG + 50; i++) { // the backlog fills: the rest are shed
            stream.stream("{\"type\":\"event\",\"n\":" + i + "}");
        }
        assertTrue(socket.hungUp.isEmpty(), "within the stall a page may still read: " + socket.hungUp);
        Thread.sleep(1100);
        stream.stream("{\"type\":\"event\",\"n\":-1}");
        assertEquals(List.of("the client read nothing for 1 s while its run's output waited; reload the page"),
                socket.hungUp);
        assertEquals(1, ended.get(), "its run is stopped");
        assertTrue(socket.hungUp.get(0).length() < 123, "fits a close frame");
        int sent = socket.sent.get();
        stream.control("{\"type\":\"phase\",\"phase\":\"stopped\"}");
        assertEquals(sent, socket.sent.get(), "nothing more is sent to a hung-up socket");
    }

    @Test
    void aPageThatReadsIsNeverHungUpOnHoweverManyEventsItsRunSends() throws Exception {
        Socket socket = new Socket(true);
        ClientStream stream = new ClientStream(socket, 1 << 20, Duration.ofMillis(100), timers, () -> { });
        long until = System.nanoTime() + Duration.ofMillis(400).toNanos();
        while (System.nanoTime() < until) {
            stream.stream("{\"type\":\"event\"}");
        }
        assertTrue(socket.hungUp.isEmpty(), socket.hungUp.toString());
    }
}
