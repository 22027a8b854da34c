package dev.bpflab.share;

import dev.bpflab.support.threads.Daemons;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Makes the {@link ShareStore} of {@code <bpflab.data-dir>/shares/} injectable, with its limits from configuration,
 * and deletes expired shares: once at start, then every twelfth of their age (at least a minute apart, at most an
 * hour).
 */
@ApplicationScoped
public class SharesProducer {
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(Daemons.factory("shares-expire"));

    @Produces
    @Singleton
    ShareStore store(@ConfigProperty(name = "bpflab.data-dir", defaultValue = "data") String dataDir,
            @ConfigProperty(name = "bpflab.shares.max-count", defaultValue = "10000") int maxCount,
            @ConfigProperty(name = "bpflab.shares.expire-after", defaultValue = "90d") Duration expireAfter,
            @ConfigProperty(name = "bpflab.shares.min-free-mib", defaultValue = "256") long minFreeMib) {
        long age = expireAfter.toMillis();
        ShareStore store = new ShareStore(Path.of(dataDir).resolve("shares"),
                new ShareStore.Limits(maxCount, age, minFreeMib * 1024 * 1024), System::currentTimeMillis);
        long every = Math.max(60_000, Math.min(3_600_000, age / 12));
        sweeper.scheduleWithFixedDelay(store::deleteExpired, 0, every, TimeUnit.MILLISECONDS);
        return store;
    }

    void close(@Disposes ShareStore store) {
        sweeper.shutdownNow();
    }
}
