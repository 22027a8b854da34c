package dev.bpflab.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client address: {@code perMinute} requests a minute, in bursts of up to that many. A classroom
 * behind one NAT address shares a bucket, so limits are set for a room's worth of people, not for one person: they
 * stop scripts that would fill the data directory, not learners.
 */
public final class RateLimiter {
    private static final long MINUTE_NANOS = 60_000_000_000L;
    /** Buckets of addresses not seen for this long are forgotten, so the map cannot grow without bound. */
    private static final long FORGET_NANOS = 10 * MINUTE_NANOS;

    private final int perMinute;
    private final LongSupplier clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private volatile long lastSweep;

    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }
    }

    public RateLimiter(int perMinute) {
        this(perMinute, System::nanoTime);
    }

    RateLimiter(int perMinute, LongSupplier clock) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("a limit must allow at least one request a minute, was " + perMinute);
        }
        this.perMinute = perMinute;
        this.clock = clock;
        this.lastSweep = clock.getAsLong();
    }

    /** Takes one request from the address's budget: 0 when allowed, else the seconds until one is. */
    public long acquire(String address) {
        long now = clock.getAsLong();
        sweep(now);
        Bucket bucket = buckets.computeIfAbsent(address == null ? "?" : address, a -> new Bucket(perMinute, now));
        synchronized (bucket) {
            bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.updated) * (double) perMinute / MINUTE_NANOS);
            bucket.updated = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return 0;
            }
            double missing = 1 - bucket.tokens;
            return Math.max(1, (long) Math.ceil(missing * 60 / perMinute));
        }
    }

    public int perMinute() {
        return perMinute;
    }

    private void sweep(long now) {
        if (now - lastSweep < MINUTE_NANOS) {
            return;
        }
        lastSweep = now;
        buckets.entrySet().removeIf(e -> now - e.getValue().updated > FORGET_NANOS);
    }
}
