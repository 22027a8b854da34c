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

    static long count(JsonSocket socket, String type) {
        return socket.drain().stream().filter(m -> type.equals(m.path("type").asText())).count();
    }

    /** The student's row in the latest dashboard message that has one. */
    static JsonNode latestRow(JsonSocket dash, String studentId) {
        JsonNode latest = null;
        for (JsonNode m : dash.drain()) {
            JsonNode row = JsonSocket.studentRow(m, studentId);
            latest = row == null ? latest : row;
        }
        return latest;
    }

    /** One student's CSV line, split at its commas (the cells up to "events" hold none here). */
    static String[] csvLine(Instructor room, String studentId) {
        String csv = room.as().when().get("/api/rooms/" + room.roomId() + "/export.csv").then().statusCode(200)
                .extract().asString();
        return csv.lines().filter(l -> l.startsWith(studentId + ",")).findFirst().orElseThrow().split(",");
    }

    @Test
    void afterABurstOfEventsTheDashboardAndTheCsvShowTheCountTheStudentSaw() throws Exception {
        Instructor room = createRoom("Event counts");
        Map<String, String> ada = join(room.joinCode(), "Ada");
        String adaId = ada.get("studentId");
        int burst = 3;
        try (JsonSocket dash = dashboard(room); JsonSocket runs = runSocket(ada)) {
            dash.awaitType("snapshot", SOON);
            runs.send(run(RunClient.program("rm_syscalls.bpf.c")));
            runs.await("attached", m -> isPhase(m, "attached"), START);
            for (int i = 1; i <= burst; i++) {
                runs.send(Map.of("type", "workload", "name", "unlink-file"));
                long deadline = System.nanoTime() + SOON.toNanos();
                while (count(runs, "workload") < i && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(i, count(runs, "workload"), "workload results: " + runs.drain());
            }
            // The program stays attached and the events stop: the last count must still reach the dashboard.
            long deadline = System.nanoTime() + SOON.toNanos();
            long saw;
            JsonNode row;
            String[] csv;
            do {
                Thread.sleep(50);
                saw = count(runs, "event");
                row = latestRow(dash, adaId);
                csv = csvLine(room, adaId);
            } while ((saw < 10L * burst || row.path("events").asLong() != saw || !csv[7].equals(String.valueOf(saw)))
                    && System.nanoTime() < deadline);
            assertTrue(saw >= 10L * burst, "each rm makes dozens of system calls: " + saw + " events");
            assertEquals(saw, row.path("events").asLong(), "the dashboard's count: " + row);
            assertEquals("events", Csv.HEADER.get(7));
            assertEquals(String.valueOf(saw), csv[7], "the CSV's count: " + String.join(",", csv));
            assertEquals("attached", row.path("phase").asText(), "still running: " + row);
            room.as().when().get("/api/rooms/" + room.roomId()).then().statusCode(200)
                    .body("students.find { it.id == '" + adaId + "' }.events", equalTo((int) saw));
        }
    }

    @Test
    void aPushedStepIsPendingUntilEachStudentTakesItAndHasOneNumberEverywhere() {
        Instructor room = createRoom("Pending pushes");
        Map<String, String> ada = join(room.joinCode(), "Ada");
        Map<String, String> bob = join(room.joinCode(), "Bob");
        String adaId = ada.get("studentId");
        String bobId = bob.get("studentId");
        try (JsonSocket dash = dashboard(room); JsonSocket adaChannel = studentChannel(ada);
                JsonSocket bobChannel = studentChannel(bob)) {
            dash.awaitType("snapshot", SOON);
            adaChannel.awaitType("welcome", SOON);
            bobChannel.awaitType("welcome", SOON);
            assertTrue(latestRow(dash, adaId).path("pushState").isNull(), "no push yet");

            // The page's lesson pane shows index 1 as "Step 2 of N"; the push carries that index everywhere.
            String pushId = room.as().contentType(ContentType.JSON).body("{\"lesson\":\"01-kernel-syscalls\",\"step\":1}")
                    .when().post("/api/rooms/" + room.roomId() + "/push")
                    .then().statusCode(200).extract().path("push.id");
            for (JsonSocket s : new JsonSocket[] {adaChannel, bobChannel, dash}) {
                assertEquals(1, s.awaitType("push", SOON).path("step").asInt());
            }
            for (String id : new String[] {adaId, bobId}) {
                JsonNode row = dash.awaitStudent(id, "a pending push", s -> "pending".equals(s.path("pushState").asText()), SOON);
                assertEquals(pushId, row.path("pushId").asText(), row.toString());
            }

            // Ada's page reports the pushed step (after "Replace / Keep my code"): taken. Bob has not chosen yet.
            adaChannel.send(Map.of("type", "progress", "lesson", "01-kernel-syscalls", "step", 1));
            JsonNode adaRow = dash.awaitStudent(adaId, "Ada took the push", s -> "taken".equals(s.path("pushState").asText()), SOON);
            assertEquals(1, adaRow.path("step").asInt(), adaRow.toString());
            assertEquals("pending", latestRow(dash, bobId).path("pushState").asText());
            String[] adaCsv = csvLine(room, adaId);
            assertEquals("2", adaCsv[4], "Step 2, as Ada's page shows it: " + String.join(",", adaCsv));
            assertEquals("taken", adaCsv[adaCsv.length - 1]);
            assertEquals("pending", csvLine(room, bobId)[csvLine(room, bobId).length - 1]);
            room.as().when().get("/api/rooms/" + room.roomId()).then().statusCode(200)
                    .body("students.find { it.id == '" + bobId + "' }.pushState", equalTo("pending"));

            // Another step of the lesson is not the pushed one; a late joiner has the push pending too.
            bobChannel.send(Map.of("type", "progress", "lesson", "01-kernel-syscalls", "step", 0));
            dash.awaitStudent(bobId, "Bob at step index 0", s -> s.path("step").asInt() == 0, SOON);
            assertEquals("pending", latestRow(dash, bobId).path("pushState").asText());
            Map<String, String> cy = join(room.joinCode(), "Cy");
            dash.awaitStudent(cy.get("studentId"), "Cy's pending push", s -> "pending".equals(s.path("pushState").asText()), SOON);

            // A template push is taken when the page says it applied it; an old push's id changes nothing.
            String templatePush = room.as().contentType(ContentType.JSON).body("{\"template\":\"unlinkat\",\"params\":{}}")
                    .when().post("/api/rooms/" + room.roomId() + "/push")
                    .then().statusCode(200).extract().path("push.id");
            dash.awaitStudent(adaId, "Ada's new pending push", s -> templatePush.equals(s.path("pushId").asText())
                    && "pending".equals(s.path("pushState").asText()), SOON);
            bobChannel.send(Map.of("type", "taken", "push", pushId));
            bobChannel.send(Map.of("type", "taken", "push", templatePush));
            dash.awaitStudent(bobId, "Bob took the template", s -> "taken".equals(s.path("pushState").asText()), SOON);
            assertEquals("pending", latestRow(dash, adaId).path("pushState").asText());
            bobChannel.send(Map.of("type", "taken"));
            assertTrue(bobChannel.awaitType("error", SOON).path("message").asText().contains("push"));
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
            channel.send(Map.of("type", "progress", "lesson", "06-xdp-firewall", "step", 2));
            JsonNode row = dash.awaitStudent(ada.get("studentId"), "Ada's step", s -> s.path("step").asInt() == 2, SOON);
            assertEquals("06-xdp-firewall", row.path("lesson").asText());
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
