package dev.bpflab.rooms;

import static dev.bpflab.rooms.RoomsResourceTest.createRoom;
import static dev.bpflab.rooms.RoomsResourceTest.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.rooms.RoomsResourceTest.Instructor;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where a student's page says they are is checked against the lessons this server has: an unknown lesson or a step
 * past the lesson's last is refused with a message saying what exists, and the dashboard never shows it.
 */
@QuarkusTest
class StudentProgressTest {
    static final Duration SOON = Duration.ofSeconds(10);

    @TestHTTPResource("/")
    URI root;

    @AfterEach
    void closeRooms() {
        RoomsResourceTest.closeCreatedRooms();
    }

    @Test
    void progressOutsideTheLessonCatalogIsRefusedAndNeverShown() {
        Instructor room = createRoom("Progress checked");
        Map<String, String> ada = join(room.joinCode(), "Ada");
        String id = ada.get("studentId");
        try (JsonSocket dash = JsonSocket.open(root, "/ws/rooms/" + room.roomId() + "/dashboard?secret=" + room.secret());
                JsonSocket channel = JsonSocket.open(root, "/ws/rooms/student?learner=" + ada.get("learnerToken"))) {
            channel.awaitType("welcome", SOON);
            channel.send(Map.of("type", "progress", "lesson", "no-such-lesson", "step", 0));
            JsonNode unknown = channel.awaitType("error", SOON);
            assertTrue(unknown.path("message").asText().contains("no lesson 'no-such-lesson'"), unknown.toString());
            assertTrue(unknown.path("message").asText().contains("/api/lessons"), unknown.toString());

            channel.send(Map.of("type", "progress", "lesson", "01-kernel-syscalls", "step", 99));
            JsonNode past = channel.await("a second error", m -> "error".equals(m.path("type").asText())
                    && m.path("message").asText().contains("99"), SOON);
            assertTrue(past.path("message").asText().contains("Step 1 to 3"), past.toString());

            channel.send(Map.of("type", "progress", "step", 1));
            channel.await("an error for a step without a lesson",
                    m -> m.path("message").asText().contains("\"step\" needs a \"lesson\""), SOON);

            channel.send(Map.of("type", "progress", "lesson", "01-kernel-syscalls", "step", 2));
            dash.awaitStudent(id, "Ada on the last step", s -> s.path("step").asInt(-1) == 2, SOON);
            for (JsonNode m : dash.seen()) {
                JsonNode row = JsonSocket.studentRow(m, id);
                if (row != null && row.hasNonNull("lesson")) {
                    assertEquals("01-kernel-syscalls", row.path("lesson").asText(), "the dashboard showed " + row);
                    assertTrue(row.path("step").asInt() <= 2, "the dashboard showed " + row);
                }
            }
        }
    }
}
