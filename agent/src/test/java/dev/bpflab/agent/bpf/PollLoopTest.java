package dev.bpflab.agent.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The poller sleeps on the buffer's descriptor with no timeout: it consumes when the descriptor becomes readable, and a
 * stop ends it although nothing ever arrives. An eventfd stands in for libbpf's epoll descriptor.
 */
class PollLoopTest {
    private static final byte[] ONE = {1, 0, 0, 0, 0, 0, 0, 0};

    @Test
    void consumesWhenRecordsWaitAndStopsWithoutAny() throws Exception {
        int records = LibC.INSTANCE.eventfd(0, 0);
        assertTrue(records >= 0, "eventfd");
        AtomicInteger consumed = new AtomicInteger();
        Semaphore rounds = new Semaphore(0);
        PollLoop loop = new PollLoop("test-poller", records, () -> {
            LibC.INSTANCE.read(records, new byte[8], 8); // consume: the descriptor is not readable any more
            consumed.incrementAndGet();
            rounds.release();
            return 1;
        });
        try {
            LibC.INSTANCE.write(records, ONE, 8);
            assertTrue(rounds.tryAcquire(10, TimeUnit.SECONDS), "a waiting record is consumed");
            LibC.INSTANCE.write(records, ONE, 8);
            assertTrue(rounds.tryAcquire(10, TimeUnit.SECONDS), "and the next one");
            assertEquals(2, consumed.get(), "consumed once per record, not on a timer");
            assertTrue(loop.stop(), "a stop ends the poller although nothing is waiting");
            assertTrue(loop.closing());
            LibC.INSTANCE.write(records, ONE, 8);
            assertEquals(2, consumed.get(), "nothing is consumed after the stop");
        } finally {
            loop.close();
            LibC.INSTANCE.close(records);
        }
    }
}
