package dev.bpflab.limits;

import static dev.bpflab.limits.Hostile.PROGRAM;
import static dev.bpflab.limits.Hostile.START;
import static dev.bpflab.limits.Hostile.SOON;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.testing.KernelTest;
import dev.bpflab.testing.RunClient;
import dev.bpflab.testing.UnreadSocket;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A client that sends and never reads: every bad message it sends is answered with an error that waits for it. The
 * server holds at most the outgoing budget (64 KiB in this profile) for it, then hangs up and stops its run.
 */
@QuarkusTest
@TestProfile(HostileClientsProfile.class)
@KernelTest
class SlowReaderTest extends HostileClientTest {
    @Test
    void aClientThatNeverReadsIsHungUpOnAndItsRunStopped() throws Exception {
        String address = "10.3.0.1";
        ExecutorService sender = Executors.newSingleThreadExecutor();
        try (UnreadSocket reader = new UnreadSocket(root, "/ws/run", Map.of("X-Forwarded-For", address))) {
            reader.trySend(Hostile.run(PROGRAM, 1800));
            Hostile.await("its run holds a sandbox", () -> backend.load().live() == 1, START, () -> backend.load());

            // Requests each answered with an error that is never read, until the server drops the connection (a
            // blocking write, so on a thread of its own).
            Future<Integer> flood = sender.submit(() -> {
                int sent = 0;
                while (reader.trySend("{\"type\":\"" + "x".repeat(30) + "\"}")) {
                    sent++;
                }
                return sent;
            });
            Hostile.await("the server dropped the connection", flood::isDone, SOON.multipliedBy(2));
            assertTrue(reader.readUntilHungUp(10_000), "the server ended the TCP connection after " + flood.get()
                    + " requests");
            Hostile.await("the server let go of the connection", () -> limits.usage(address).connections() == 0, SOON,
                    () -> limits.usage(address));
        } finally {
            sender.shutdownNow();
        }
        Hostile.await("the run was stopped", () -> backend.load().live() == 0, SOON, () -> backend.load());
        try (RunClient honest = Hostile.from(root, "10.3.0.2")) {
            honest.run(PROGRAM);
            honest.awaitPhase("attached", START); // the server is still itself
        }
    }

    @Test
    void aPageThatNeverReadsItsRunsEventsIsHungUpOnAfterTheReadStallAndTheRunStopped() throws Exception {
        String address = "10.3.0.3";
        try (UnreadSocket reader = new UnreadSocket(root, "/ws/run", Map.of("X-Forwarded-For", address))) {
            reader.trySend(Hostile.run(RunClient.program("flood.bpf.c"), 1800)); // an event per system call
            // It sends nothing more and reads nothing: only the read stall (3 s in this profile) can end its run and
            // the server's side of the socket.
            Hostile.await("its run stopped", () -> backend.load().live() == 0 && limits.usage(address).live() == 0
                    && limits.usage(address).connections() == 0, START, () -> backend.load() + " "
                    + limits.usage(address));
        }
    }
}
