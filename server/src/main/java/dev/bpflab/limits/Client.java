package dev.bpflab.limits;

import java.util.List;

/**
 * Who is on the other end of a connection, as far as budgets go: the client address and, for a student in a room, the
 * learner token the page passed ({@code ?learner=}; null otherwise). The token is not checked against the rooms: a
 * made-up token only adds a budget of its own, the address's budget still applies.
 */
public record Client(String address, String learner) {

    public Client {
        address = address == null || address.isEmpty() ? "unknown" : address;
        learner = learner == null || learner.isEmpty() ? null : learner;
    }

    /** The budget keys this client counts against: its address, and its learner token if any. */
    List<String> keys() {
        return learner == null ? List.of(addressKey(address)) : List.of(addressKey(address), "learner " + learner);
    }

    static String addressKey(String address) {
        return "address " + address;
    }

    static boolean isAddress(String key) {
        return key.startsWith("address ");
    }
}
