package dev.bpflab.limits;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.testing.RunClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** What the hostile-client tests share: clients that claim an address, slot holders, waiting for a condition. */
final class Hostile {
    static final Duration START = Duration.ofSeconds(90);
    static final Duration SOON = Duration.ofSeconds(20);
    static final String PROGRAM = RunClient.program("unlink_events.bpf.c");

    private Hostile() {
    }

    /** A /ws/run client coming from {@code address} (the profile trusts X-Forwarded-For). */
    static RunClient from(URI root, String address) {
        return new RunClient(root, "", Map.of("X-Forwarded-For", address));
    }

    /** A /ws/run client of a learner in a room, from {@code address}. */
    static RunClient learner(URI root, String address, String token) {
        return new RunClient(root, "?learner=" + token, Map.of("X-Forwarded-For", address));
    }

    /** A run message for {@code source} that asks for {@code timeoutSeconds}. */
    static String run(String source, int timeoutSeconds) {
        return "{\"type\":\"run\",\"source\":" + TextNode.valueOf(source) + ",\"timeoutSeconds\":" + timeoutSeconds + "}";
    }

    /**
     * Takes every live slot (three in the profile) with half-hour runs from three addresses, one each: none is over a
     * fair share, so none is reclaimed for a client that waits; close the clients to free them.
     */
    static List<RunClient> holdEverySlot(URI root) {
        List<RunClient> holders = new ArrayList<>();
        for (String address : List.of("10.9.0.1", "10.9.0.2", "10.9.0.3")) {
            RunClient holder = from(root, address);
            holder.sendRaw(run(PROGRAM, 1800));
            holders.add(holder);
        }
        holders.forEach(h -> h.awaitPhase("attached", START));
        return holders;
    }

    /** Waits until the backend is as a test found it: nothing live, nobody waiting. */
    static void awaitQuiet(SandboxBackend backend) throws InterruptedException {
        await("no run live or waiting", () -> backend.load().live() == 0 && backend.load().waiting() == 0, SOON);
    }

    /** The server's threads (the tests' own WebSocket clients run in this JVM too: their threads are left out). */
    static int threads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !t.getName().startsWith("HttpClient-")).count();
    }

    static void closeAll(List<RunClient> clients) {
        clients.forEach(RunClient::close);
    }

    static void await(String what, BooleanSupplier condition, Duration limit) throws InterruptedException {
        await(what, condition, limit, () -> "");
    }

    /** As {@link #await}, saying {@code state} when it times out. */
    static void await(String what, BooleanSupplier condition, Duration limit, Supplier<Object> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("timed out waiting for " + what + "; " + state.get());
            }
            Thread.sleep(20);
        }
    }
}
