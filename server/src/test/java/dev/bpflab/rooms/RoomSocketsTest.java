package dev.bpflab.rooms;

import static dev.bpflab.rooms.RoomsResourceTest.createRoom;
import static dev.bpflab.rooms.RoomsResourceTest.join;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.rooms.RoomsResourceTest.Instructor;
import dev.bpflab.testing.KernelPrograms;
import dev.bpflab.testing.RunClient;
import dev.bpflab.testing.KernelTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The live side of rooms over real WebSockets: upgrade refusals, a student's real runs (through /ws/run on this
 * machine's kernel) showing up on the dashboard, pushes and broadcasts reaching students.
 */
@QuarkusTest
@KernelTest
class RoomSocketsTest {
    static final Duration START = Duration.ofSeconds(60);
    static final Duration SOON = Duration.ofSeconds(10);

    @TestHTTPResource("/")
    URI root;

    @org.junit.jupiter.api.AfterEach
    void closeRooms() {
        RoomsResourceTest.closeCreatedRooms();
    }

    JsonSocket dashboard(Instructor room) {
        return JsonSocket.open(root, "/ws/rooms/" + room.roomId() + "/dashboard?secret=" + room.secret());
    }

    JsonSocket studentChannel(Map<String, String> student) {
        return JsonSocket.open(root, "/ws/rooms/student?learner=" + student.get("learnerToken"));
    }

    JsonSocket runSocket(Map<String, String> student) {
        return JsonSocket.open(root, "/ws/run?learner=" + student.get("learnerToken"));
    }

    static Map<String, String> run(String source) {
        return Map.of("type", "run", "source", source);
    }

    static boolean isPhase(JsonNode m, String phase) {
        return RunClient.isPhase(m, phase);
    }

    @Test
    void webSocketUpgradesAreRefusedWithoutTheRightSecretOrToken() {
        Instructor room = createRoom("Sockets locked");
        Instructor other = createRoom("Another room");
        Map<String, String> ada = join(room.joinCode(), "Ada");
        String dashboard = "/ws/rooms/" + room.roomId() + "/dashboard";
        assertEquals(401, JsonSocket.refusal(root, dashboard), "no secret");
        assertEquals(401, JsonSocket.refusal(root, dashboard + "?secret="), "an empty secret");
        assertEquals(403, JsonSocket.refusal(root, dashboard + "?secret=" + other.secret()), "another room's secret");
        assertEquals(403, JsonSocket.refusal(root, dashboard + "?secret=" + ada.get("learnerToken")), "a student's token");
        assertEquals(404, JsonSocket.refusal(root, "/ws/rooms/AAAAAAAAAAAAAAAAAAAAAA/dashboard?secret=" + room.secret()));
        assertEquals(-1, JsonSocket.refusal(root, dashboard + "?secret=" + room.secret()), "the right secret");

        assertEquals(401, JsonSocket.refusal(root, "/ws/rooms/student"), "no token");
        assertEquals(403, JsonSocket.refusal(root, "/ws/rooms/student?learner=" + "A".repeat(43)), "an unknown token");
        assertEquals(403, JsonSocket.refusal(root, "/ws/rooms/student?learner=" + room.secret()), "the instructor secret");
        assertEquals(-1, JsonSocket.refusal(root, "/ws/rooms/student?learner=" + ada.get("learnerToken")));
    }

    @Test
    void aStudentsRealRunsShowOnTheDashboard() throws Exception {
        Instructor room = createRoom("Live status");
        Map<String, String> ada = join(room.joinCode(), "Ada");
        Map<String, String> bob = join(room.joinCode(), "Bob");
        String adaId = ada.get("studentId");
        Set<Integer> before = KernelPrograms.loadedIds();
        try (JsonSocket dash = dashboard(room); JsonSocket adaChannel = studentChannel(ada);
                JsonSocket bobChannel = studentChannel(bob)) {
            JsonNode snapshot = dash.awaitType("snapshot", SOON);
            assertEquals(2, snapshot.path("students").size(), snapshot.toString());
            assertEquals("Live status", snapshot.path("room").path("title").asText());
            dash.awaitStudent(adaId, "Ada online", s -> s.path("online").asBoolean(), SOON);

            // A syntax error: the compile diagnostic, on its line, and the failed phase.
            try (JsonSocket runs = runSocket(ada)) {
                runs.send(run(RunClient.program("syntax_error.bpf.c")));
                runs.awaitType("diagnostics", START);
                JsonNode row = dash.awaitStudent(adaId, "Ada's compile error",
                        s -> "failed".equals(s.path("phase").asText()) && !s.path("diagnostic").isNull(), SOON);
                assertEquals("compile", row.path("diagnostic").path("stage").asText(), row.toString());
                assertEquals(9, row.path("diagnostic").path("line").asInt(), row.toString());
                assertEquals(11, row.path("diagnostic").path("column").asInt(), row.toString());
                assertTrue(row.path("diagnostic").path("message").asText().contains("expected ';'"), row.toString());
                assertEquals(1, row.path("failStreak").asInt());
                assertEquals(1, row.path("runs").asInt());
            }

            // A verifier rejection: stage verify, the source line the verifier's failing instruction maps to.
            try (JsonSocket runs = runSocket(ada)) {
                runs.send(run(RunClient.program("null_deref.bpf.c")));
                runs.awaitType("diagnostics", START);
                JsonNode row = dash.awaitStudent(adaId, "Ada's verifier rejection",
                        s -> "verify".equals(s.path("diagnostic").path("stage").asText()), SOON);
                assertEquals(20, row.path("diagnostic").path("line").asInt(), row.toString());
                assertEquals(2, row.path("failStreak").asInt(), "stuck: two failed runs in a row");
            }

            // A program that attaches and sees events.
            try (JsonSocket runs = runSocket(ada)) {
                runs.send(run(RunClient.program("unlink_events.bpf.c")));
                runs.await("attached", m -> isPhase(m, "attached"), START);
                dash.awaitStudent(adaId, "Ada attached", s -> "attached".equals(s.path("phase").asText())
                        && s.path("diagnostic").isNull() && s.path("failStreak").asInt() == 0, SOON);
                runs.send(Map.of("type", "workload", "name", "unlink-file"));
                runs.await("an event", m -> "event".equals(m.path("type").asText()), SOON);
                JsonNode row = dash.awaitStudent(adaId, "Ada's events", s -> s.path("events").asLong() >= 1
                        && s.path("workload").path("ok").asBoolean(), SOON);
                assertEquals("unlink-file", row.path("workload").path("name").asText());
                assertEquals(3, row.path("runs").asInt());
                runs.send(Map.of("type", "stop"));
                runs.await("stopped", m -> isPhase(m, "stopped"), SOON);
                dash.awaitStudent(adaId, "Ada stopped", s -> "stopped".equals(s.path("phase").asText()), SOON);
            }
            assertEquals(Set.of(), KernelPrograms.leftoversAfter(before, SOON), "programs left after the runs");

            // The instructor reads the code of the last run; the student channels never carried anyone's code.
            room.as().when().get("/api/rooms/" + room.roomId() + "/students/" + adaId + "/source")
                    .then().statusCode(200)
                    .body("origin", equalTo("run"))
                    .body("name", equalTo("Ada"))
                    .body("source", containsString("handle_unlinkat"));
            for (JsonNode m : bobChannel.drain()) {
                assertFalse(m.toString().contains("handle_unlinkat") || m.toString().contains("diagnostic"), m.toString());
            }
            for (JsonNode m : adaChannel.drain()) {
                assertFalse(m.toString().contains("handle_unlinkat"), m.toString());
            }
            // The dashboard's rows say how long the source is, never the source itself.
            for (JsonNode m : dash.drain()) {
                assertFalse(m.toString().contains("handle_unlinkat"), m.toString());
            }
        }
    }

    @Test
    void pushesAndBroadcastsReachEveryStudentAndTheDashboard() {
        Instructor room = createRoom("Announcements");
        Map<String, String> ada = join(room.joinCode(), "Ada");
        Map<String, String> bob = join(room.joinCode(), "Bob");
        try (JsonSocket dash = dashboard(room); JsonSocket adaChannel = studentChannel(ada);
                JsonSocket bobChannel = studentChannel(bob)) {
            JsonNode welcome = adaChannel.awaitType("welcome", SOON);
            assertEquals(ada.get("studentId"), welcome.path("studentId").asText());
            assertEquals("Announcements", welcome.path("room").path("title").asText());
            assertTrue(welcome.path("push").isNull(), welcome.toString());
            bobChannel.awaitType("welcome", SOON);
            dash.awaitType("snapshot", SOON);

            room.as().contentType(ContentType.JSON).body("{\"lesson\":\"01-kernel-syscalls\",\"step\":2}")
                    .when().post("/api/rooms/" + room.roomId() + "/push")
                    .then().statusCode(200).body("delivered", equalTo(2));
            for (JsonSocket s : new JsonSocket[] {adaChannel, bobChannel, dash}) {
                JsonNode push = s.awaitType("push", SOON);
                assertEquals("lesson", push.path("kind").asText());
                assertEquals("01-kernel-syscalls", push.path("lesson").asText());
                assertEquals(2, push.path("step").asInt());
            }
            room.as().contentType(ContentType.JSON).body("{\"template\":\"unlinkat\",\"params\":{}}")
                    .when().post("/api/rooms/" + room.roomId() + "/push")
                    .then().statusCode(200);
            JsonNode templatePush = bobChannel.await("a template push", m -> "template".equals(m.path("kind").asText()), SOON);
            assertEquals("unlinkat", templatePush.path("template").asText());

            room.as().contentType(ContentType.JSON).body("{\"text\":\"Five minutes left\"}")
                    .when().post("/api/rooms/" + room.roomId() + "/broadcast")
                    .then().statusCode(200).body("delivered", equalTo(2)).body("broadcast.text", equalTo("Five minutes left"));
            for (JsonSocket s : new JsonSocket[] {adaChannel, bobChannel, dash}) {
                assertEquals("Five minutes left", s.awaitType("broadcast", SOON).path("text").asText());
            }

            // Someone joining late (or reloading) catches up from the welcome.
            Map<String, String> cy = join(room.joinCode(), "Cy");
            try (JsonSocket cyChannel = studentChannel(cy)) {
                JsonNode late = cyChannel.awaitType("welcome", SOON);
                assertEquals("unlinkat", late.path("push").path("template").asText(), late.toString());
                assertEquals("Five minutes left", late.path("broadcasts").get(0).path("text").asText(), late.toString());
            }
            dash.awaitStudent(cy.get("studentId"), "Cy on the dashboard", s -> "Cy".equals(s.path("name").asText()), SOON);
        }
    }

    @Test
    void progressAndEditorCodeFromTheStudentChannel() {
        Instructor room = createRoom("Progress");
        Map<String, String> ada = join(room.joinCode(), "Ada");
        try (JsonSocket dash = dashboard(room); JsonSocket channel = studentChannel(ada)) {
            channel.awaitType("welcome", SOON);
            channel.send(Map.of("type", "progress", "lesson", "xdp-drop", "step", 3));
            JsonNode row = dash.awaitStudent(ada.get("studentId"), "Ada's step", s -> s.path("step").asInt() == 3, SOON);
            assertEquals("xdp-drop", row.path("lesson").asText());
            channel.send(Map.of("type", "code", "source", "// work in progress\n"));
            dash.awaitStudent(ada.get("studentId"), "Ada's code", s -> "editor".equals(s.path("source").path("origin").asText()),
                    SOON);
            room.as().when().get("/api/rooms/" + room.roomId() + "/students/" + ada.get("studentId") + "/source")
                    .then().statusCode(200).body("origin", equalTo("editor")).body("source", equalTo("// work in progress\n"));
            channel.send(Map.of("type", "progress", "lesson", "../../etc", "step", 1));
            assertTrue(channel.awaitType("error", SOON).path("message").asText().contains("lesson id"));
            channel.send(Map.of("type", "dance"));
            channel.await("an unknown-type error", m -> m.path("message").asText().contains("unknown message type"), SOON);
        }
        room.as().when().get("/api/rooms/" + room.roomId() + "/students/nobody/source").then().statusCode(404);
    }

    @Test
    void closingTheRoomClosesItsSockets() {
        Instructor room = createRoom("Short-lived");
        Map<String, String> ada = join(room.joinCode(), "Ada");
        try (JsonSocket dash = dashboard(room); JsonSocket channel = studentChannel(ada)) {
            dash.awaitType("snapshot", SOON);
            channel.awaitType("welcome", SOON);
            room.as().when().delete("/api/rooms/" + room.roomId()).then().statusCode(204);
            dash.awaitType("closed", SOON);
            channel.awaitType("closed", SOON);
        }
    }
}
