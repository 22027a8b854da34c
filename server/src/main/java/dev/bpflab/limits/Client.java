package dev.bpflab.limits;

import java.util.List;

/**
 * Who is on the other end of a connection, as far as budgets go: the client address and, for a student in a room, the
 * learner token the page passed ({@code ?learner=}; null otherwise). {@code /ws/run} takes only a token of a student of
 * an open room ({@code dev.bpflab.runs.LearnerTokens}), so a made-up one never gets a learner's budget; the address's
 * budget, over all its runs, applies to learners too.
 */
public record Client(String address, String learner) {

    private static final String ADDRESS = "address ";
    private static final String LEARNER = "learner ";
    private static final String WITHOUT_LEARNER = "no learner, address ";

    public Client {
        address = address == null || address.isEmpty() ? "unknown" : address;
        learner = learner == null || learner.isEmpty() ? null : learner;
    }

    /**
     * The budget keys this client counts against: its address, and its learner token, or, without one, its address's
     * runs that carry no token (which have a live-run cap of their own: {@link LimitSettings#liveRunsWithoutLearner}).
     */
    List<String> keys() {
        return List.of(addressKey(address), shareKey());
    }

    /**
     * Who this client is when sandboxes are shared out among waiting runs ({@code AdmissionQueue}): its learner token,
     * or its address's runs without one. Equal keys are one client.
     */
    public String shareKey() {
        return learner == null ? WITHOUT_LEARNER + address : LEARNER + learner;
    }

    static String addressKey(String address) {
        return ADDRESS + address;
    }

    static boolean isLearner(String key) {
        return key.startsWith(LEARNER);
    }

    static boolean isWithoutLearner(String key) {
        return key.startsWith(WITHOUT_LEARNER);
    }
}
