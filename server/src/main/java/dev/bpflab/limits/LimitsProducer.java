package dev.bpflab.limits;

import dev.bpflab.sandbox.SandboxBackend;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The client budgets from {@code bpflab.limits.*}; the live runs per address (with and without a learner token) follow
 * the backend's capacity unless set.
 */
@Singleton
public class LimitsProducer {
    private static final Logger LOG = Logger.getLogger(LimitsProducer.class);

    @ConfigProperty(name = "bpflab.limits.live-runs-per-address")
    Optional<Integer> liveRunsPerAddress;
    @ConfigProperty(name = "bpflab.limits.live-runs-per-address-without-learner")
    Optional<Integer> liveRunsWithoutLearner;
    @ConfigProperty(name = "bpflab.limits.queued-runs-per-address", defaultValue = "128")
    int queuedRunsPerAddress;
    @ConfigProperty(name = "bpflab.limits.connections-per-address", defaultValue = "256")
    int connectionsPerAddress;
    @ConfigProperty(name = "bpflab.limits.runs-per-minute-per-address", defaultValue = "600")
    int runsPerMinutePerAddress;
    @ConfigProperty(name = "bpflab.limits.live-runs-per-learner", defaultValue = "2")
    int liveRunsPerLearner;
    @ConfigProperty(name = "bpflab.limits.queued-runs-per-learner", defaultValue = "2")
    int queuedRunsPerLearner;
    @ConfigProperty(name = "bpflab.limits.connections-per-learner", defaultValue = "16")
    int connectionsPerLearner;
    @ConfigProperty(name = "bpflab.limits.runs-per-minute-per-learner", defaultValue = "30")
    int runsPerMinutePerLearner;
    @ConfigProperty(name = "bpflab.limits.outgoing-bytes-per-connection", defaultValue = "4194304")
    long outgoingBytes;
    @ConfigProperty(name = "bpflab.limits.idle-timeout", defaultValue = "10m")
    Duration idleTimeout;
    @ConfigProperty(name = "bpflab.limits.trust-forwarded-for", defaultValue = "false")
    boolean trustForwardedFor;
    @ConfigProperty(name = "bpflab.limits.iterator-reads-per-minute", defaultValue = "30")
    int iteratorReadsPerMinute;
    @ConfigProperty(name = "bpflab.limits.read-stall", defaultValue = "15s")
    Duration readStall;

    @Produces
    @Singleton
    LimitSettings settings(SandboxBackend backend) {
        int capacity = backend.load().capacity();
        int live = liveRunsPerAddress.orElseGet(() -> LimitSettings.defaultLiveRunsPerAddress(capacity));
        LimitSettings settings = new LimitSettings(
                new LimitSettings.Caps(live, queuedRunsPerAddress, connectionsPerAddress, runsPerMinutePerAddress),
                new LimitSettings.Caps(liveRunsPerLearner, queuedRunsPerLearner, connectionsPerLearner,
                        runsPerMinutePerLearner),
                liveRunsWithoutLearner.orElseGet(() -> LimitSettings.defaultLiveRunsWithoutLearner(capacity, live)),
                outgoingBytes, idleTimeout, trustForwardedFor, iteratorReadsPerMinute, readStall);
        LOG.infof("client limits: per address %s, %d live runs without a learner token; per learner %s; %d bytes queued "
                + "per connection; idle sockets closed after %s, non-reading ones after %s; client address from %s",
                settings.perAddress(), settings.liveRunsWithoutLearner(), settings.perLearner(), outgoingBytes,
                idleTimeout, readStall,
                trustForwardedFor ? "X-Forwarded-For" : "the socket");
        return settings;
    }

    @Produces
    @Singleton
    ClientLimits limits(LimitSettings settings) {
        return new ClientLimits(settings);
    }
}
