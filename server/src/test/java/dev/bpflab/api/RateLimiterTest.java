package dev.bpflab.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(5 * SECOND);
    private final RateLimiter limiter = new RateLimiter(3, now::get);

    @Test
    void aBurstUpToTheLimitPassesThenTheNextWaitsForItsShareOfTheMinute() {
        assertEquals(0, limiter.acquire("10.0.0.1"));
        assertEquals(0, limiter.acquire("10.0.0.1"));
        assertEquals(0, limiter.acquire("10.0.0.1"));
        assertEquals(20, limiter.acquire("10.0.0.1"), "3 a minute: one more in 20 s");
        assertEquals(0, limiter.acquire("10.0.0.2"), "another address has its own budget");

        now.addAndGet(10 * SECOND);
        assertEquals(10, limiter.acquire("10.0.0.1"));
        now.addAndGet(10 * SECOND);
        assertEquals(0, limiter.acquire("10.0.0.1"));
        assertEquals(20, limiter.acquire("10.0.0.1"));
    }

    @Test
    void anIdleAddressGetsItsWholeBurstBack() {
        for (int i = 0; i < 3; i++) {
            limiter.acquire("10.0.0.1");
        }
        now.addAndGet(3600 * SECOND);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, limiter.acquire("10.0.0.1"));
        }
        assertEquals(20, limiter.acquire("10.0.0.1"));
    }
}
