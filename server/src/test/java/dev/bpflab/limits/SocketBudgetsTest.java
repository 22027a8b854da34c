package dev.bpflab.limits;

import static dev.bpflab.limits.Hostile.PROGRAM;
import static dev.bpflab.limits.Hostile.START;
import static dev.bpflab.limits.Hostile.SOON;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.testing.JsonInbox;
import dev.bpflab.testing.KernelTest;
import dev.bpflab.testing.RunClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sockets that cost the server without doing anything: many from one address (40 at most in this profile, /ws/run and
 * room sockets together).
 */
@QuarkusTest
@TestProfile(HostileClientsProfile.class)
@KernelTest
class SocketBudgetsTest extends HostileClientTest {
    private WebSocket open(String pathAndQuery, String address, JsonInbox inbox) {
        URI uri = URI.create(root.toString().replaceFirst("^http", "ws").replaceAll("/$", "") + pathAndQuery);
        return HttpClient.newHttpClient().newWebSocketBuilder().header("X-Forwarded-For", address)
                .buildAsync(uri, inbox).join();
    }

    @Test
    void connectionsFromOneAddressAreCappedAcrossRunAndRoomSockets() throws Exception {
        String address = "10.4.0.1";
        var room = given().contentType(ContentType.JSON).body(Map.of("title", "Budgets")).post("/api/rooms")
                .then().statusCode(201).extract();
        String learnerToken = given().contentType(ContentType.JSON)
                .body(Map.of("code", room.path("joinCode"), "name", "Ada")).post("/api/rooms/join")
                .then().statusCode(201).extract().path("learnerToken");
        List<RunClient> sockets = new ArrayList<>();
        JsonInbox student = new JsonInbox();
        WebSocket studentSocket = open("/ws/rooms/student?learner=" + learnerToken, address, student);
        try {
            student.await("the room's welcome", m -> "welcome".equals(m.path("type").asText()), SOON);
            int threadsBefore = Hostile.threads();
            for (int i = 0; i < 39; i++) {
                RunClient socket = Hostile.from(root, address);
                sockets.add(socket);
                socket.stop(); // answered once the server holds the connection
                socket.awaitPhase("stopped", SOON);
            }
            int threadsAfter = Hostile.threads();
            assertTrue(threadsAfter - threadsBefore < 20, "idle sockets cost threads: " + threadsBefore + " → " + threadsAfter);
            try (RunClient refused = Hostile.from(root, address)) {
                JsonNode error = refused.awaitType("error", SOON);
                assertEquals("too many connections from your address (at most 40 at once): close other bpflab tabs, "
                        + "then try again", error.path("message").asText());
                Hostile.await("the refused socket closed", () -> refused.closeCode() != null, SOON);
                assertEquals(1013, refused.closeCode());
            }
            assertEquals(40, limits.usage(address).connections());
            JsonInbox dashboard = new JsonInbox();
            open("/ws/rooms/" + room.path("roomId") + "/dashboard?secret=" + room.path("instructorSecret"), address,
                    dashboard);
            assertTrue(dashboard.await("a refusal", m -> "error".equals(m.path("type").asText()), SOON)
                    .path("message").asText().startsWith("too many connections from your address"));

            sockets.remove(0).close();
            Hostile.await("a connection given back", () -> limits.usage(address).connections() == 39, SOON);
            try (RunClient another = Hostile.from(root, address)) {
                another.run(PROGRAM);
                another.awaitPhase("compiling", SOON);
            }
        } finally {
            Hostile.closeAll(sockets);
            studentSocket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
            given().header("Authorization", "Bearer " + room.path("instructorSecret"))
                    .delete("/api/rooms/" + room.path("roomId")).then().statusCode(204);
        }
        Hostile.await("the address is forgotten", () -> limits.usage(address).connections() == 0, SOON);
    }
}
