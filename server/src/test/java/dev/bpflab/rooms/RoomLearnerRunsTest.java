package dev.bpflab.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.testing.Classroom;
import dev.bpflab.testing.KernelTest;
import dev.bpflab.testing.RunClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A learner token runs programs only while its student is in an open room: a made-up token, or the token of a student
 * who left, was removed or whose room closed, is refused with a message saying what to do, and a run that is live
 * when the membership ends stops and gives its sandbox back.
 */
@QuarkusTest
@KernelTest
class RoomLearnerRunsTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration SOON = Duration.ofSeconds(10);
    private static final String PROGRAM = RunClient.program("unlink_events.bpf.c");

    @TestHTTPResource("/")
    URI root;
    @Inject
    SandboxBackend backend;

    @Test
    void aMadeUpTokenIsToldToJoinAndRunsNothing() {
        try (RunClient page = new RunClient(root, "?learner=" + "A".repeat(43), Map.of())) {
            try {
                page.run(PROGRAM); // sent as the page does, at once: it is not run
            } catch (RuntimeException closedAlready) {
                // the refusal can reach the client before its first message leaves
            }
            assertRefused(page);
        }
    }

    @Test
    void aStudentWhoLeavesStopsTheirRunAndTheirTokenRunsNoMore() throws Exception {
        try (Classroom room = Classroom.open("Leaving")) {
            String token = room.join("Ada").token();
            RunClient page = learnerPage(token);
            page.run(PROGRAM);
            page.awaitPhase("attached", START);
            int live = backend.load().live();

            Classroom.leave(token);
            assertEnded(page);
            assertEquals("stopped", room.snapshot().getString("students.find { it.name == 'Ada' }.phase"),
                    "the dashboard and the CSV say the run is over");
            await("the sandbox is given back", () -> backend.load().live() < live);
            try (RunClient again = learnerPage(token)) {
                assertRefused(again);
            }
            page.close();
        }
    }

    @Test
    void removedStudentsAndClosedRoomsEndTheirRunsToo() throws Exception {
        Classroom room = Classroom.open("Removing");
        Classroom.Member bob = room.join("Bob");
        try (RunClient bobsPage = learnerPage(bob.token()); RunClient cydsPage = learnerPage(room.join("Cyd").token())) {
            bobsPage.run(PROGRAM);
            cydsPage.run(PROGRAM);
            bobsPage.awaitPhase("attached", START);
            cydsPage.awaitPhase("attached", START);

            room.remove(bob);
            assertEnded(bobsPage);
            assertEquals(null, cydsPage.closeCode(), "a classmate's run goes on");

            room.close();
            assertEnded(cydsPage);
        }
    }

    @Test
    void aRunOnAllKernelsCountsAsARunOnTheDashboard() throws Exception {
        try (Classroom room = Classroom.open("Matrix"); RunClient page = learnerPage(room.join("Eva").token())) {
            page.send(com.fasterxml.jackson.databind.json.JsonMapper.builder().build().createObjectNode()
                    .put("type", "run_all").put("source", PROGRAM).put("seconds", 1));
            page.awaitType("matrix_done", START);
            await("the dashboard has the matrix as Eva's run", () -> "stopped".equals(room.snapshot()
                    .getString("students.find { it.name == 'Eva' }.phase")));
            var eva = room.snapshot();
            assertEquals(1, eva.getInt("students.find { it.name == 'Eva' }.runs"), eva.prettify());
            assertEquals("all kernels", eva.getString("students.find { it.name == 'Eva' }.kernel"), eva.prettify());
        }
    }

    private RunClient learnerPage(String token) {
        return new RunClient(root, "?learner=" + token, Map.of());
    }

    private static void assertRefused(RunClient page) {
        JsonNode error = page.awaitType("error", SOON);
        assertTrue(error.path("message").asText().contains("belongs to no student of an open room"), error.toString());
        assertTrue(error.path("message").asText().contains("join the room again"), error.toString());
        await("the socket is closed", () -> Integer.valueOf(4403).equals(page.closeCode()));
        assertTrue(page.seen().stream().noneMatch(m -> "phase".equals(m.path("type").asText())), page.seen().toString());
    }

    private static void assertEnded(RunClient page) {
        JsonNode error = page.awaitType("error", SOON);
        assertTrue(error.path("message").asText().contains("belongs to no student of an open room"), error.toString());
        await("the run socket is closed", () -> Integer.valueOf(4403).equals(page.closeCode()));
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + SOON.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
