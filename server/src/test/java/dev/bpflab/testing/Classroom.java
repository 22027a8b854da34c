package dev.bpflab.testing;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.Map;

/**
 * A room made through the REST API for a test, and its students' learner tokens: {@code /ws/run?learner=} accepts
 * only a token of a student of an open room. Close it (or let the test's data directory go) when done.
 */
public final class Classroom implements AutoCloseable {
    public final String roomId;
    public final String secret;
    public final String joinCode;

    private Classroom(String roomId, String secret, String joinCode) {
        this.roomId = roomId;
        this.secret = secret;
        this.joinCode = joinCode;
    }

    /** Creates a room titled {@code title} on the test's server. */
    public static Classroom open(String title) {
        var room = given().contentType(ContentType.JSON).body(Map.of("title", title)).post("/api/rooms")
                .then().statusCode(201).extract();
        return new Classroom(room.path("roomId"), room.path("instructorSecret"), room.path("joinCode"));
    }

    /** A student of the room: their id on the dashboard and their learner token. */
    public record Member(String studentId, String token) {
    }

    /** A new student named {@code name} joins. */
    public Member join(String name) {
        var joined = given().contentType(ContentType.JSON).body(Map.of("code", joinCode, "name", name))
                .post("/api/rooms/join").then().statusCode(201).extract();
        return new Member(joined.path("studentId"), joined.path("learnerToken"));
    }

    /** The instructor removes {@code member} from the room. */
    public void remove(Member member) {
        given().header("Authorization", "Bearer " + secret).delete("/api/rooms/" + roomId + "/students/" + member.studentId())
                .then().statusCode(200);
    }

    /** The student of {@code token} leaves from their page (DELETE /api/rooms/me). */
    public static void leave(String token) {
        given().header("Authorization", "Bearer " + token).delete("/api/rooms/me").then().statusCode(200);
    }

    /** The dashboard's snapshot of the room (GET /api/rooms/{id}): {@code students[]} with each row's figures. */
    public JsonPath snapshot() {
        return given().header("Authorization", "Bearer " + secret).get("/api/rooms/" + roomId).then().statusCode(200)
                .extract().jsonPath();
    }

    /** The instructor closes the room: every token of it ends. */
    @Override
    public void close() {
        given().header("Authorization", "Bearer " + secret).delete("/api/rooms/" + roomId).then().statusCode(204);
    }
}
