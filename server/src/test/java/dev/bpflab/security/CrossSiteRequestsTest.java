package dev.bpflab.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.rooms.Rooms;
import dev.bpflab.testing.RunClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a page of another site (or a name rebound to this machine) can make a visitor's browser do to the lab: open
 * its WebSockets, create rooms, join, share, delete. None of it, while the lab's own page, curl and scripts without
 * an Origin keep working.
 */
@QuarkusTest
class CrossSiteRequestsTest {
    private static final String EVIL = "http://evil.example";
    private static final String HEADER = "X-Bpflab-Refused";

    @TestHTTPResource("/")
    URI root;
    @Inject
    Rooms rooms;
    @ConfigProperty(name = "bpflab.data-dir")
    String dataDir;

    private final List<Map<String, String>> created = new ArrayList<>();

    /** The Origin the lab's own page sends: the scheme, host and port it was loaded from. */
    private String own() {
        return root.getScheme() + "://" + root.getHost() + ":" + root.getPort();
    }

    @AfterEach
    void deleteRooms() {
        for (Map<String, String> room : created) {
            given().header("Authorization", "Bearer " + room.get("instructorSecret"))
                    .when().delete("/api/rooms/" + room.get("roomId"));
        }
        created.clear();
    }

    private Map<String, String> createRoom() {
        Map<String, String> room = given().contentType(ContentType.JSON).body(Map.of("title", "cross-site"))
                .when().post("/api/rooms").then().statusCode(201).extract().as(Map.class);
        created.add(room);
        return room;
    }

    private String learnerToken(Map<String, String> room) {
        return given().contentType(ContentType.JSON).body(Map.of("code", room.get("joinCode"), "name", "Ada"))
                .when().post("/api/rooms/join").then().statusCode(201).extract().path("learnerToken");
    }

    /** The three sockets of the lab, with what each needs to open. */
    private List<String> sockets() {
        Map<String, String> room = createRoom();
        return List.of("/ws/run", "/ws/rooms/student?learner=" + learnerToken(room),
                "/ws/rooms/" + room.get("roomId") + "/dashboard?secret=" + room.get("instructorSecret"));
    }

    /** Opens a WebSocket with this Origin (none if null): null when it opened, else the refusal's status and reason. */
    private String upgrade(String pathAndQuery, String origin) {
        URI uri = URI.create(root.toString().replaceFirst("^http", "ws").replaceAll("/$", "") + pathAndQuery);
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10));
        if (origin != null) {
            builder.header("Origin", origin);
        }
        try {
            builder.buildAsync(uri, new WebSocket.Listener() {
            }).join().sendClose(WebSocket.NORMAL_CLOSURE, "").join();
            return null;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode() + " "
                        + refused.getResponse().headers().firstValue(HEADER).orElse("(no reason)");
            }
            throw e;
        }
    }

    /** The status line of a WebSocket upgrade sent by hand, with a Host header the JDK's client would not send. */
    private String rawUpgrade(String path, String host, String origin) throws IOException {
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.setSoTimeout(10_000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nOrigin: " + origin + "\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        }
    }

    private long shares() throws IOException {
        Path dir = Path.of(dataDir, "shares");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    @Test
    void aForeignPageCannotOpenAnyOfTheSocketsTheLabsOwnPageAndScriptsCan() {
        for (String socket : sockets()) {
            String refusal = upgrade(socket, EVIL);
            assertTrue(refusal != null && refusal.startsWith("403 A page of http://evil.example may not use this lab"),
                    socket + ": " + refusal);
            assertTrue(refusal.contains("bpflab.security.allowed-origins"), refusal);
        }
        // Refused for where it comes from before anything is said about its token or room.
        assertTrue(upgrade("/ws/rooms/student", EVIL).startsWith("403 A page of"));
        assertTrue(upgrade("/ws/rooms/AAAAAAAAAAAAAAAAAAAAAA/dashboard", EVIL).startsWith("403 A page of"));

        for (String socket : sockets()) {
            assertEquals(null, upgrade(socket, own()), socket + " from the lab's own page");
        }
        for (String socket : sockets()) {
            assertEquals(null, upgrade(socket, null), socket + " from a script");
        }
    }

    @Test
    void aNameReboundToThisMachineIsRefused() throws IOException {
        String port = ":" + root.getPort();
        assertEquals("HTTP/1.1 101 Switching Protocols", rawUpgrade("/ws/run", root.getHost() + port, own()));
        assertEquals("HTTP/1.1 403 Forbidden", rawUpgrade("/ws/run", "evil.example" + port, EVIL + port));

        int before = rooms.size();
        given().header("Host", "evil.example" + port).header("Origin", EVIL + port).contentType(ContentType.JSON)
                .body(Map.of("title", "rebound")).when().post("/api/rooms")
                .then().statusCode(403).contentType(ContentType.JSON)
                .body("message", containsString("does not answer to the name 'evil.example'"))
                .body("message", containsString("bpflab.security.allowed-hosts"));
        assertEquals(before, rooms.size(), "no room was created");
    }

    @Test
    void aForeignPageCannotCreateJoinShareOrDelete() throws IOException {
        Map<String, String> room = createRoom();
        int roomsBefore = rooms.size();
        long sharesBefore = shares();
        RequestSpecification evil = given().header("Origin", EVIL).contentType(ContentType.JSON);
        evil.body(Map.of("title", "x")).when().post("/api/rooms").then().statusCode(403)
                .body("message", containsString("bpflab.security.allowed-origins"));
        given().header("Origin", EVIL).contentType(ContentType.JSON).body(Map.of("code", room.get("joinCode"), "name",
                "Mallory")).when().post("/api/rooms/join").then().statusCode(403);
        given().header("Origin", EVIL).contentType(ContentType.JSON).body(Map.of("source", "int x;"))
                .when().post("/api/shares").then().statusCode(403);
        given().header("Origin", EVIL).header("Authorization", "Bearer " + room.get("instructorSecret"))
                .when().delete("/api/rooms/" + room.get("roomId")).then().statusCode(403);
        assertEquals(roomsBefore, rooms.size(), "no room created, none deleted");
        assertEquals(sharesBefore, shares(), "no share saved");
        given().header("Authorization", "Bearer " + room.get("instructorSecret")).when()
                .get("/api/rooms/" + room.get("roomId")).then().statusCode(200);

        // The lab's own page goes on as before.
        given().header("Origin", own()).contentType(ContentType.JSON).body(Map.of("source", "int x;"))
                .when().post("/api/shares").then().statusCode(201);
    }

    @Test
    void aBodyThatIsNotJsonChangesNothing() throws IOException, InterruptedException {
        Map<String, String> room = createRoom();
        int roomsBefore = rooms.size();
        long sharesBefore = shares();
        // What a page of another site can send without a CORS preflight: text/plain, form data, an untyped body.
        given().contentType(ContentType.TEXT).body("{\"title\":\"t\"}").when().post("/api/rooms").then()
                .statusCode(415).contentType(ContentType.JSON)
                .body("message", startsWith("POST /api/rooms takes a JSON body: send Content-Type: application/json "
                        + "(this request's Content-Type: 'text/plain"));
        given().contentType(ContentType.TEXT).body("{\"source\":\"int x;\"}").when().post("/api/shares").then()
                .statusCode(415).body("message", containsString("send Content-Type: application/json"));
        given().contentType(ContentType.URLENC).body("{\"code\":\"" + room.get("joinCode") + "\",\"name\":\"Eve\"}")
                .when().post("/api/rooms/join").then().statusCode(415);
        HttpResponse<String> untyped = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(root.resolve("/api/rooms")).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"title\":\"t\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(415, untyped.statusCode(), untyped.body());
        assertTrue(untyped.body().contains("Content-Type: none"), untyped.body());
        assertEquals(roomsBefore, rooms.size(), "no room was created");
        assertEquals(sharesBefore, shares(), "no share was saved");
        JsonNode snapshot = given().header("Authorization", "Bearer " + room.get("instructorSecret")).when()
                .get("/api/rooms/" + room.get("roomId")).then().statusCode(200).extract().as(JsonNode.class);
        assertEquals(0, snapshot.path("students").size(), "nobody joined");

        // A POST without a body or a Content-Type, as `curl -X POST` sends it, is still a room with the default title.
        HttpResponse<String> bare = HttpClient.newHttpClient().send(HttpRequest.newBuilder(root.resolve("/api/rooms"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, bare.statusCode(), bare.body());
        created.add(new ObjectMapper().readValue(bare.body(), Map.class));
    }

    @Test
    void pagesAndApiAnswersCarryTheSecurityHeaders() {
        for (String path : List.of("/", "/join", "/api/templates", "/api/nope", "/static-probe.txt")) {
            given().when().get(path).then()
                    .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                    .header("Content-Security-Policy", containsString("default-src 'self'"))
                    .header("Content-Security-Policy", containsString("connect-src 'self' ws://"))
                    .header("X-Frame-Options", equalTo("DENY"))
                    .header("X-Content-Type-Options", equalTo("nosniff"))
                    .header("Referrer-Policy", equalTo("no-referrer"));
        }
    }

    @Test
    void aRunMayAttachXdpOnlyToTheLabInterface() {
        try (RunClient client = new RunClient(root)) {
            client.sendRaw("{\"type\":\"run\",\"source\":\"int x;\",\"xdpInterface\":\"eth0\"}");
            JsonNode error = client.awaitType("error", Duration.ofSeconds(10));
            assertEquals("run: \"xdpInterface\" may only be \"bpflab0\", the sandbox's own lab interface (leave it "
                    + "out for the same); was 'eth0'", error.path("message").asText());
            assertTrue(client.seen().stream().noneMatch(m -> "phase".equals(m.path("type").asText())),
                    "nothing ran: " + client.seen());
        }
    }
}
