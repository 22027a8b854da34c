package dev.bpflab.rooms;

import static dev.bpflab.rooms.RoomsResourceTest.createRoom;
import static dev.bpflab.rooms.RoomsResourceTest.join;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.rooms.RoomsResourceTest.Instructor;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The instructor's controls over who is in a room: locking joining, and removing a student (their page closed with
 * a reason, their row gone from the dashboard and the CSV); a student leaving by themselves (their row stays, marked
 * as left, in both). And the CSV export of a hostile display name.
 */
@QuarkusTest
class RoomControlsTest {
    static final Duration SOON = Duration.ofSeconds(10);

    @TestHTTPResource("/")
    URI root;

    @AfterEach
    void closeRooms() {
        RoomsResourceTest.closeCreatedRooms();
    }

    private JsonSocket dashboard(Instructor room) {
        return JsonSocket.open(root, "/ws/rooms/" + room.roomId() + "/dashboard?secret=" + room.secret());
    }

    private static ValidatableResponse tryJoin(String code, String name) {
        return given().contentType(ContentType.JSON).body(Map.of("code", code, "name", name))
                .when().post("/api/rooms/join").then();
    }

    @Test
    void aLockedRoomRefusesNewStudentsUntilUnlocked() {
        Instructor room = createRoom("Locking");
        Map<String, String> ada = join(room.joinCode(), "Ada");
        String lock = "/api/rooms/" + room.roomId() + "/lock";
        try (JsonSocket dash = dashboard(room)) {
            assertFalse(dash.awaitType("snapshot", SOON).path("room").path("locked").asBoolean());
            room.as().contentType(ContentType.JSON).body("{\"locked\":true}").when().post(lock)
                    .then().statusCode(200).body("locked", equalTo(true));
            assertTrue(dash.awaitType("locked", SOON).path("locked").asBoolean(), "the dashboards hear of it");

            tryJoin(room.joinCode(), "Mallory").statusCode(403).contentType(ContentType.JSON)
                    .body("message", containsString("is locked"));
            given().header("Authorization", "Bearer " + ada.get("learnerToken")).when().get("/api/rooms/me")
                    .then().statusCode(200).body("name", equalTo("Ada"));
            room.as().when().get("/api/rooms/" + room.roomId()).then().statusCode(200)
                    .body("room.locked", equalTo(true)).body("students", hasSize(1));

            room.as().contentType(ContentType.JSON).body("{\"locked\":false}").when().post(lock)
                    .then().statusCode(200).body("locked", equalTo(false));
            dash.await("an unlock", m -> "locked".equals(m.path("type").asText()) && !m.path("locked").asBoolean(), SOON);
            join(room.joinCode(), "Bob");
        }
    }

    @Test
    void lockingIsTheInstructorsAndSaysWhatToSend() {
        Instructor room = createRoom("Lock rights");
        Instructor other = createRoom("Another");
        Map<String, String> ada = join(room.joinCode(), "Ada");
        String lock = "/api/rooms/" + room.roomId() + "/lock";
        given().contentType(ContentType.JSON).body("{\"locked\":true}").when().post(lock).then().statusCode(401);
        given().header("Authorization", "Bearer " + other.secret()).contentType(ContentType.JSON)
                .body("{\"locked\":true}").when().post(lock).then().statusCode(403);
        given().header("Authorization", "Bearer " + ada.get("learnerToken")).contentType(ContentType.JSON)
                .body("{\"locked\":true}").when().post(lock).then().statusCode(403);
        room.as().contentType(ContentType.JSON).body("{\"locked\":\"yes\"}").when().post(lock)
                .then().statusCode(400).body("message", containsString("{\"locked\":true}"));
        join(room.joinCode(), "Bob"); // none of that locked it
    }

    @Test
    void aRemovedStudentsPageIsClosedAndTheirRowLeaves() {
        Instructor room = createRoom("Removing");
        Map<String, String> ada = join(room.joinCode(), "Ada");
        Map<String, String> bob = join(room.joinCode(), "Bob");
        String adaId = ada.get("studentId");
        String student = "/api/rooms/" + room.roomId() + "/students/" + adaId;
        try (JsonSocket dash = dashboard(room);
                JsonSocket adaPage = JsonSocket.open(root, "/ws/rooms/student?learner=" + ada.get("learnerToken"));
                JsonSocket bobPage = JsonSocket.open(root, "/ws/rooms/student?learner=" + bob.get("learnerToken"))) {
            dash.awaitType("snapshot", SOON);
            adaPage.awaitType("welcome", SOON);
            bobPage.awaitType("welcome", SOON);
            given().when().delete(student).then().statusCode(401);
            given().header("Authorization", "Bearer " + bob.get("learnerToken")).when().delete(student)
                    .then().statusCode(403);

            room.as().when().delete(student).then().statusCode(200)
                    .body("studentId", equalTo(adaId)).body("name", equalTo("Ada"));
            assertTrue(adaPage.awaitType("removed", SOON).path("message").asText().contains("removed you"));
            assertEquals(4410, adaPage.awaitClose(SOON), "closed with the removal's own code");
            assertEquals(adaId, dash.awaitType("removed", SOON).path("studentId").asText());
            bobPage.send(Map.of("type", "ping"));
            assertNull(bobPage.closeCode(), "the others stay");
            assertTrue(bobPage.drain().stream().noneMatch(m -> "removed".equals(m.path("type").asText())));
        }
        room.as().when().get("/api/rooms/" + room.roomId()).then().statusCode(200)
                .body("students", hasSize(1)).body("students[0].name", equalTo("Bob"));
        List<String> csv = room.as().when().get("/api/rooms/" + room.roomId() + "/export.csv").then().statusCode(200)
                .extract().asString().lines().toList();
        assertEquals(2, csv.size(), String.join("\n", csv));
        assertFalse(csv.get(1).contains("Ada"), csv.get(1));
        given().header("Authorization", "Bearer " + ada.get("learnerToken")).when().get("/api/rooms/me")
                .then().statusCode(403);
        assertEquals(403, JsonSocket.refusal(root, "/ws/rooms/student?learner=" + ada.get("learnerToken")));
        room.as().when().delete(student).then().statusCode(404).body("message", containsString("No student"));
        assertNotEquals(adaId, join(room.joinCode(), "Ada").get("studentId"), "joining again is a new student");
    }

    @Test
    void aStudentWhoLeavesIsShownAsLeftOnTheDashboardAndInTheCsv() {
        Instructor room = createRoom("Leaving");
        Map<String, String> ada = join(room.joinCode(), "Ada");
        Map<String, String> bob = join(room.joinCode(), "Bob");
        String adaId = ada.get("studentId");
        String adaToken = "Bearer " + ada.get("learnerToken");
        long leftAt;
        try (JsonSocket dash = dashboard(room);
                JsonSocket adaPage = JsonSocket.open(root, "/ws/rooms/student?learner=" + ada.get("learnerToken"));
                JsonSocket adaOtherTab = JsonSocket.open(root, "/ws/rooms/student?learner=" + ada.get("learnerToken"))) {
            dash.awaitType("snapshot", SOON);
            adaPage.awaitType("welcome", SOON);
            adaOtherTab.awaitType("welcome", SOON);
            given().when().delete("/api/rooms/me").then().statusCode(401).body("message", containsString("Bearer"));

            leftAt = given().header("Authorization", adaToken).when().delete("/api/rooms/me").then().statusCode(200)
                    .body("studentId", equalTo(adaId)).body("name", equalTo("Ada")).body("title", equalTo("Leaving"))
                    .extract().jsonPath().getLong("leftAt");
            assertTrue(leftAt > 0);
            // Every page of hers hears it and closes; the dashboard keeps her row, marked as left and offline.
            assertTrue(adaOtherTab.awaitType("left", SOON).path("message").asText().contains("You left this room"));
            assertEquals(4411, adaOtherTab.awaitClose(SOON), "closed with the leaving's own code");
            assertEquals(4411, adaPage.awaitClose(SOON));
            long when = leftAt;
            dash.awaitStudent(adaId, "Ada's row marked as left and offline",
                    row -> row.path("leftAt").asLong() == when && !row.path("online").asBoolean(), SOON);
            assertTrue(dash.drain().stream().noneMatch(m -> "removed".equals(m.path("type").asText())),
                    "leaving is not a removal");
        }
        // Her token is dead, whatever she tries with it; leaving twice says she is not in the room.
        given().header("Authorization", adaToken).when().get("/api/rooms/me").then().statusCode(403);
        given().header("Authorization", adaToken).when().delete("/api/rooms/me").then().statusCode(403);
        assertEquals(403, JsonSocket.refusal(root, "/ws/rooms/student?learner=" + ada.get("learnerToken")));

        room.as().when().get("/api/rooms/" + room.roomId()).then().statusCode(200)
                .body("students", hasSize(2)).body("room.students", equalTo(1))
                .body("students.find { it.name == 'Ada' }.leftAt", org.hamcrest.Matchers.notNullValue())
                .body("students.find { it.name == 'Bob' }.leftAt", org.hamcrest.Matchers.nullValue());
        List<String> csv = room.as().when().get("/api/rooms/" + room.roomId() + "/export.csv").then().statusCode(200)
                .extract().asString().lines().toList();
        assertEquals(3, csv.size(), String.join("\n", csv));
        assertTrue(csv.get(0).endsWith(",left_at"), csv.get(0));
        assertTrue(csv.get(1).startsWith(adaId + ",Ada,") && csv.get(1).endsWith(
                "," + java.time.Instant.ofEpochMilli(leftAt)), "Ada's row says when she left: " + csv.get(1));
        assertTrue(csv.get(2).startsWith(bob.get("studentId") + ",Bob,") && csv.get(2).endsWith(","),
                "Bob is still in: " + csv.get(2));
        assertNotEquals(adaId, join(room.joinCode(), "Ada").get("studentId"), "joining again is a new student");
    }

    @Test
    void aHostileNameIsInertInTheCsvWhateverTheSeparator() {
        Instructor room = createRoom("CSV");
        join(room.joinCode(), "Bob;=1+1");
        join(room.joinCode(), "=cmd|' /C calc'!A0");
        String csv = room.as().when().get("/api/rooms/" + room.roomId() + "/export.csv").then().statusCode(200)
                .extract().asString();
        List<String> lines = csv.lines().toList();
        assertTrue(lines.get(1).contains(",\"'Bob;'=1+1\","), lines.get(1));
        assertTrue(lines.get(2).contains(",\"'=cmd|' /C calc'!A0\","), lines.get(2));
        for (String line : lines) {
            for (String piece : line.split("[,;]", -1)) {
                String cell = piece.replaceFirst("^\"", "");
                assertFalse(!cell.isEmpty() && "=+-@".indexOf(cell.charAt(0)) >= 0, "'" + cell + "' in " + line);
            }
        }
    }
}
