package dev.bpflab.rooms;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The rooms REST API: creating, joining, instructor actions, and who may do what. */
@QuarkusTest
class RoomsResourceTest {
    @TestHTTPResource("/")
    URI root;

    record Instructor(String roomId, String joinCode, String secret) {
        RequestSpecification as() {
            return given().header("Authorization", "Bearer " + secret);
        }
    }

    /** Rooms the tests created, closed after each test class so the test data directory does not fill up. */
    static final java.util.Queue<Instructor> CREATED = new java.util.concurrent.ConcurrentLinkedQueue<>();

    static void closeCreatedRooms() {
        for (Instructor room; (room = CREATED.poll()) != null; ) {
            room.as().when().delete("/api/rooms/" + room.roomId()).then().statusCode(org.hamcrest.Matchers.anyOf(
                    equalTo(204), equalTo(404)));
        }
    }

    @org.junit.jupiter.api.AfterEach
    void closeRooms() {
        closeCreatedRooms();
    }

    static Instructor createRoom(String title) {
        var body = given().contentType(ContentType.JSON).body(Map.of("title", title))
                .when().post("/api/rooms")
                .then().statusCode(201)
                .body("roomId", matchesPattern("[A-Za-z0-9_-]{22}"))
                .body("joinCode", matchesPattern("[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{6}"))
                .body("instructorSecret", matchesPattern("[A-Za-z0-9_-]{43}"))
                .body("title", equalTo(title))
                .extract();
        Instructor instructor = new Instructor(body.path("roomId"), body.path("joinCode"), body.path("instructorSecret"));
        String link = body.path("instructorLink");
        assertTrue(link.matches("http://[^/]+/dashboard\\.html#room=" + instructor.roomId() + "&secret=" + instructor.secret()), link);
        assertTrue(body.<String>path("joinLink").endsWith("/join/" + instructor.joinCode()), body.<String>path("joinLink"));
        CREATED.add(instructor);
        return instructor;
    }

    /** Joins and returns {learnerToken, studentId}. */
    static Map<String, String> join(String code, String name) {
        var body = given().contentType(ContentType.JSON).body(Map.of("code", code, "name", name))
                .when().post("/api/rooms/join")
                .then().statusCode(201)
                .body("learnerToken", matchesPattern("[A-Za-z0-9_-]{43}"))
                .body("name", equalTo(name.strip()))
                .extract();
        return Map.of("learnerToken", body.path("learnerToken"), "studentId", body.path("studentId"),
                "roomId", body.path("roomId"));
    }

    @Test
    void studentsJoinWithTheCodeAndAppearOnTheRoom() {
        Instructor room = createRoom("Tracing 101");
        Map<String, String> ada = join(room.joinCode().toLowerCase().substring(0, 3) + "-" + room.joinCode().substring(3), " Ada ");
        assertEquals(room.roomId(), ada.get("roomId"));
        join(room.joinCode(), "Bob");
        room.as().when().get("/api/rooms/" + room.roomId())
                .then().statusCode(200)
                .body("type", equalTo("snapshot"))
                .body("room.title", equalTo("Tracing 101"))
                .body("room.joinCode", equalTo(room.joinCode()))
                .body("students", hasSize(2))
                .body("students[0].name", equalTo("Ada"))
                .body("students[0].id", equalTo(ada.get("studentId")))
                .body("students[0].online", equalTo(false));
        assertTrue(Files.exists(Path.of("target/test-data/rooms")), "rooms are saved under the data directory");
        given().header("Authorization", "Bearer " + ada.get("learnerToken")).when().get("/api/rooms/me")
                .then().statusCode(200).body("name", equalTo("Ada")).body("roomId", equalTo(room.roomId()))
                .body("studentId", equalTo(ada.get("studentId")));
        given().when().get("/api/rooms/me").then().statusCode(401);
        given().header("Authorization", "Bearer " + room.secret()).when().get("/api/rooms/me").then().statusCode(403);
    }

    @Test
    void joiningNeedsAKnownCodeAndAName() {
        Instructor room = createRoom("Codes");
        given().contentType(ContentType.JSON).body(Map.of("code", "QQQQQQ", "name", "Eve"))
                .when().post("/api/rooms/join").then().statusCode(404).body("message", containsString("No room has the join code"));
        given().contentType(ContentType.JSON).body(Map.of("code", room.joinCode(), "name", "   "))
                .when().post("/api/rooms/join").then().statusCode(400).body("message", containsString("display name"));
        given().contentType(ContentType.JSON).body(Map.of("code", room.joinCode(), "name", "N".repeat(41)))
                .when().post("/api/rooms/join").then().statusCode(400).body("message", containsString("at most 40"));
        given().contentType(ContentType.JSON).body(Map.of("code", room.joinCode(), "name", "Eve\u202Eevil"))
                .when().post("/api/rooms/join").then().statusCode(400).body("message", containsString("U+202E"));
        given().contentType(ContentType.JSON).body("{\"code\":")
                .when().post("/api/rooms/join").then().statusCode(400).body("message", containsString("not valid JSON"));
        given().contentType(ContentType.JSON).body("")
                .when().post("/api/rooms/join").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"title\":\"" + "x".repeat(20_000) + "\"}")
                .when().post("/api/rooms").then().statusCode(413);
    }

    @Test
    void instructorEndpointsRefuseAMissingOrWrongSecret() {
        Instructor room = createRoom("Locked");
        Instructor other = createRoom("Other");
        Map<String, String> ada = join(room.joinCode(), "Ada");
        String base = "/api/rooms/" + room.roomId();
        List<Function<RequestSpecification, ValidatableResponse>> calls = List.of(
                r -> r.when().get(base).then(),
                r -> r.when().get(base + "/students/" + ada.get("studentId") + "/source").then(),
                r -> r.contentType(ContentType.JSON).body("{\"lesson\":\"01-kernel-syscalls\",\"step\":1}").when().post(base + "/push").then(),
                r -> r.contentType(ContentType.JSON).body("{\"text\":\"hi\"}").when().post(base + "/broadcast").then(),
                r -> r.when().get(base + "/export.csv").then(),
                r -> r.when().delete(base).then());
        for (var call : calls) {
            call.apply(given()).statusCode(401).header("WWW-Authenticate", startsWith("Bearer"));
            call.apply(given().header("Authorization", "Bearer " + other.secret())).statusCode(403);
            call.apply(given().header("Authorization", "Bearer " + ada.get("learnerToken"))).statusCode(403);
            call.apply(given().queryParam("secret", "x")).statusCode(403);
        }
        given().header("Authorization", "Bearer " + room.secret()).when().get("/api/rooms/AAAAAAAAAAAAAAAAAAAAAA")
                .then().statusCode(404);
        given().queryParam("secret", room.secret()).when().get(base).then().statusCode(200);
    }

    @Test
    void pushValidatesWhatIsPushed() {
        Instructor room = createRoom("Push");
        String push = "/api/rooms/" + room.roomId() + "/push";
        room.as().contentType(ContentType.JSON).body("{\"lesson\":\"01-kernel-syscalls\",\"step\":2}").when().post(push)
                .then().statusCode(200).body("delivered", equalTo(0))
                .body("push.type", equalTo("push")).body("push.kind", equalTo("lesson"))
                .body("push.lesson", equalTo("01-kernel-syscalls")).body("push.step", equalTo(2));
        room.as().contentType(ContentType.JSON).body("{\"template\":\"no-such-template\"}").when().post(push)
                .then().statusCode(400).body("message", containsString("no template"));
        room.as().contentType(ContentType.JSON).body("{\"template\":\"unlinkat\",\"params\":{\"comm\":\"rm\"}}")
                .when().post(push).then().statusCode(200).body("push.template", equalTo("unlinkat"));
        // Parameters the template would not render with: every student's page would fail to apply it.
        room.as().contentType(ContentType.JSON)
                .body("{\"template\":\"unlinkat\",\"params\":{\"comm\":\"this-name-is-way-too-long-for-comm\"}}")
                .when().post(push).then().statusCode(400)
                .body("message", containsString("parameter 'comm' must be at most 15 characters"));
        room.as().contentType(ContentType.JSON).body("{\"template\":\"unlinkat\",\"params\":{\"nope\":1}}")
                .when().post(push).then().statusCode(400).body("message", containsString("parameter 'nope' does not exist"));
        room.as().contentType(ContentType.JSON).body("{\"template\":\"x\",\"lesson\":\"y\"}").when().post(push)
                .then().statusCode(400).body("message", containsString("not both"));
        room.as().contentType(ContentType.JSON).body("{\"lesson\":\"../etc\"}").when().post(push)
                .then().statusCode(400).body("message", containsString("lesson id"));
        room.as().contentType(ContentType.JSON).body("{\"lesson\":\"01-kernel-syscalls\",\"step\":-1}").when().post(push)
                .then().statusCode(400).body("message", containsString("step"));
        room.as().contentType(ContentType.JSON).body("{\"lesson\":\"99-no-such-lesson\"}").when().post(push)
                .then().statusCode(400).body("message", containsString("no lesson '99-no-such-lesson'"));
        room.as().contentType(ContentType.JSON).body("{\"lesson\":\"01-kernel-syscalls\",\"step\":99}").when().post(push)
                .then().statusCode(400).body("message", containsString("no step 99"));
        room.as().contentType(ContentType.JSON).body("{\"text\":\"\"}").when().post("/api/rooms/" + room.roomId() + "/broadcast")
                .then().statusCode(400).body("message", containsString("empty"));
        room.as().contentType(ContentType.JSON).body("{\"text\":\"" + "a".repeat(501) + "\"}")
                .when().post("/api/rooms/" + room.roomId() + "/broadcast")
                .then().statusCode(400).body("message", containsString("at most 500"));
    }

    /** A JSON body with exactly one field, "message", that says {@code says}. */
    private static void isError(ValidatableResponse response, int status, String says) {
        response.statusCode(status).contentType(ContentType.JSON).body("size()", equalTo(1))
                .body("message", containsString(says)).body("message", not(containsString("Exception")));
    }

    @Test
    void everyRoomsErrorIsOneMessage() {
        Instructor room = createRoom("Errors");
        String base = "/api/rooms/" + room.roomId();
        isError(given().contentType(ContentType.JSON).body("{\"title\": tru").when().post("/api/rooms").then(), 400,
                "The body is not valid JSON at line ");
        isError(room.as().contentType(ContentType.JSON).body("[1]").when().post(base + "/broadcast").then(), 400,
                "Send a JSON object");
        isError(given().contentType(ContentType.JSON).body("{\"code\":\"" + "x".repeat(20_000) + "\"}")
                .when().post("/api/rooms/join").then(), 413, "larger than 16 KiB");
        isError(given().when().get(base).then(), 401, "instructor secret");
        given().when().get(base).then().header("WWW-Authenticate", equalTo("Bearer realm=\"bpflab room\""));
        isError(given().header("Authorization", "Bearer wrong").when().get(base).then(), 403, "not this room's");
        isError(given().when().get("/api/rooms/me").then(), 401, "learner token");
        given().when().get("/api/rooms/me").then().header("WWW-Authenticate", startsWith("Bearer"));
        isError(room.as().when().get("/api/rooms/AAAAAAAAAAAAAAAAAAAAAA").then(), 404, "No room with id");
        isError(room.as().when().get(base + "/students/nobody/source").then(), 404, "No student with id 'nobody'");
        isError(room.as().contentType(ContentType.JSON).body("{\"lesson\":\"99-no-such-lesson\"}").when()
                .post(base + "/push").then(), 400, "no lesson");
    }

    /** A lesson id the rooms would refuse is refused as such, not looked up in the catalog first. */
    @Test
    void pushOfANonIdLessonSaysWhatAnIdIs() {
        Instructor room = createRoom("Ids");
        for (String id : List.of(".hidden", "-x", "_")) {
            room.as().contentType(ContentType.JSON).body(Map.of("lesson", id)).when().post("/api/rooms/" + room.roomId() + "/push")
                    .then().statusCode(400).body("message", containsString("\"lesson\" must be a lesson id"));
        }
    }

    @Test
    void csvExportHasOneLinePerStudent() {
        Instructor room = createRoom("Export");
        join(room.joinCode(), "Ada");
        join(room.joinCode(), "Lovelace, Ada");
        String csv = room.as().when().get("/api/rooms/" + room.roomId() + "/export.csv")
                .then().statusCode(200)
                .contentType(startsWith("text/csv"))
                .header("Content-Disposition", containsString("bpflab-room-" + room.joinCode() + ".csv"))
                .extract().asString();
        List<String> lines = csv.lines().toList();
        assertEquals(3, lines.size(), csv);
        assertTrue(lines.get(0).startsWith("student_id,name,"), csv);
        assertTrue(lines.get(2).contains("\"Lovelace, Ada\""), csv);
    }

    @Test
    void aClosedRoomIsGone() {
        Instructor room = createRoom("Closing");
        Map<String, String> ada = join(room.joinCode(), "Ada");
        room.as().when().delete("/api/rooms/" + room.roomId()).then().statusCode(204);
        room.as().when().get("/api/rooms/" + room.roomId()).then().statusCode(404);
        given().contentType(ContentType.JSON).body(Map.of("code", room.joinCode(), "name", "Late"))
                .when().post("/api/rooms/join").then().statusCode(404);
        assertEquals(403, JsonSocket.refusal(root, "/ws/rooms/student?learner=" + ada.get("learnerToken")),
                "a closed room's learner tokens open nothing");
        assertEquals(404, JsonSocket.refusal(root, "/ws/rooms/" + room.roomId() + "/dashboard?secret=" + room.secret()));
    }
}
