package dev.bpflab.limits;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The local backend with three live runs at once and small client budgets, so hostile clients reach them quickly.
 * X-Forwarded-For is trusted, so one test machine can play several client addresses.
 */
public class HostileClientsProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("bpflab.sandbox.max-live", "3"),
                Map.entry("bpflab.sandbox.over-share-grace", "2s"),
                Map.entry("bpflab.local.warm-agents", "1"),
                Map.entry("bpflab.limits.trust-forwarded-for", "true"),
                Map.entry("bpflab.limits.live-runs-per-address", "2"),
                Map.entry("bpflab.limits.live-runs-per-address-without-learner", "2"),
                Map.entry("bpflab.limits.queued-runs-per-address", "3"),
                Map.entry("bpflab.limits.connections-per-address", "40"),
                Map.entry("bpflab.limits.runs-per-minute-per-address", "400"),
                Map.entry("bpflab.limits.live-runs-per-learner", "1"),
                Map.entry("bpflab.limits.queued-runs-per-learner", "2"),
                Map.entry("bpflab.limits.connections-per-learner", "40"),
                Map.entry("bpflab.limits.runs-per-minute-per-learner", "3"),
                Map.entry("bpflab.limits.outgoing-bytes-per-connection", "65536"),
                Map.entry("bpflab.limits.read-stall", "3s"));
    }
}

