package dev.bpflab.limits;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.testing.JsonInbox;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the WebSockets (/ws/run and the room sockets) do with input that is not a message they read: a message over
 * the 1 MiB the wire allows, sent whole or in fragments, is answered by closing the socket with 1009 and a reason that
 * says the limit and what to do, and costs the log at most one short line (no stack trace); a binary frame is answered
 * with an error that says to send JSON text, and the socket stays usable.
 */
@QuarkusTest
class SocketInputTest {
    static final Duration SOON = Duration.ofSeconds(10);
    static final int WIRE_LIMIT = 1024 * 1024;

    @TestHTTPResource("/")
    URI root;

    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
    }

    private WebSocket open(String pathAndQuery, JsonInbox inbox) {
        URI uri = URI.create(root.toString().replaceFirst("^http", "ws").replaceAll("/$", "") + pathAndQuery);
        return HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, inbox).join();
    }

    private static int awaitClose(JsonInbox inbox) throws InterruptedException {
        long deadline = System.nanoTime() + SOON.toNanos();
        while (inbox.closeCode() == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertNotNull(inbox.closeCode(), "the server did not close the socket");
        return inbox.closeCode();
    }

    /** The socket was closed with 1009 and a reason that says the limit and what to do; the log holds one line at most. */
    private void assertRefusedAsTooBig(JsonInbox inbox) throws InterruptedException {
        assertEquals(1009, awaitClose(inbox), "closed as 'message too big'; reason: " + inbox.closeReason());
        String reason = inbox.closeReason();
        assertTrue(reason.contains(String.valueOf(WIRE_LIMIT)), "the reason says the limit: " + reason);
        assertTrue(reason.contains("shorten"), "the reason says what to do: " + reason);
        Thread.sleep(300); // what the server logs about it comes on its own threads
        List<LogRecord> aboutIt = logged.stream().filter(r -> r.getThrown() != null
                || String.valueOf(r.getMessage()).contains("frame") || String.valueOf(r.getMessage()).contains("MiB")
                || String.valueOf(r.getMessage()).contains(String.valueOf(WIRE_LIMIT))).toList();
        assertTrue(aboutIt.size() <= 1, "at most one line: " + aboutIt.stream().map(LogRecord::getMessage).toList());
        aboutIt.forEach(r -> assertEquals(null, r.getThrown(), "no stack trace: " + r.getMessage()));
    }

    @Test
    void aRunMessageOverTheWireLimitClosesWith1009AndSaysTheLimit() throws Exception {
        JsonInbox inbox = new JsonInbox();
        WebSocket socket = open("/ws/run", inbox);
        socket.sendText("{\"type\":\"run\",\"source\":\"" + "x".repeat(WIRE_LIMIT + 4096) + "\"}", true);
        assertRefusedAsTooBig(inbox);
    }

    @Test
    void aMessageOverTheLimitInFragmentsIsRefusedOnceNotPerFrame() throws Exception {
        JsonInbox inbox = new JsonInbox();
        WebSocket socket = open("/ws/run", inbox);
        String part = "y".repeat(64 * 1024);
        for (int i = 0; i < 24 && inbox.closeCode() == null; i++) {
            try {
                socket.sendText(part, false).join();
            } catch (RuntimeException closed) {
                break; // the server closed it meanwhile
            }
        }
        assertRefusedAsTooBig(inbox);
    }

    /**
     * One frame that says it is over the limit: refused from its header, before it is read, by dropping the connection
     * (Chromium, like the JDK's client, cuts a long message into frames: the cases above). Still one line in the log.
     */
    @Test
    void aSingleFrameOverTheLimitIsDroppedWithOneLineInTheLog() throws Exception {
        try (Socket raw = new Socket(root.getHost(), root.getPort())) {
            raw.setSoTimeout((int) SOON.toMillis());
            OutputStream out = raw.getOutputStream();
            out.write(("GET /ws/run HTTP/1.1\r\nHost: " + root.getHost() + ":" + root.getPort() + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = new DataInputStream(raw.getInputStream());
            String headers = "";
            while (!headers.endsWith("\r\n\r\n")) {
                headers += (char) in.readUnsignedByte();
            }
            assertTrue(headers.startsWith("HTTP/1.1 101"), headers);
            out.write(ByteBuffer.allocate(14).put((byte) 0x81).put((byte) (0x80 | 127)).putLong(WIRE_LIMIT + 4096L)
                    .putInt(0).array()); // a text frame's header, masked with a zero key
            // Vert.x drops such a connection without a close frame; if one comes, it is 1009.
            int first = in.read();
            if (first >= 0) {
                assertEquals(8, first & 0x0f, "a close frame");
                int size = in.readUnsignedByte() & 0x7f;
                byte[] payload = in.readNBytes(size == 126 ? in.readUnsignedShort() : size);
                assertEquals(1009, ((payload[0] & 0xff) << 8) | (payload[1] & 0xff));
            }
        }
        Thread.sleep(300);
        logged.forEach(r -> assertEquals(null, r.getThrown(), "no stack trace: " + r.getMessage()));
        assertTrue(logged.stream().filter(r -> r.getLevel().intValue() >= Level.INFO.intValue()).count() <= 1,
                "at most one line: " + logged.stream().map(LogRecord::getMessage).toList());
    }

    @Test
    void aBinaryFrameIsAnsweredWithAnErrorAndTheSocketGoesOn() {
        JsonInbox inbox = new JsonInbox();
        WebSocket socket = open("/ws/run", inbox);
        socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
        JsonNode error = inbox.await("an error", m -> "error".equals(m.path("type").asText()), SOON);
        String text = error.path("message").asText();
        assertTrue(text.contains("JSON") && text.contains("text"), text);
        JsonInbox.typed(error); // within the run contract
        socket.sendText("{\"type\":\"stop\"}", true).join();
        inbox.await("the answer to stop", m -> "stopped".equals(m.path("phase").asText()), SOON);
    }

    @Test
    void theRoomSocketsRefuseOversizedAndBinaryFramesAlike() throws Exception {
        var room = given().contentType(ContentType.JSON).body(Map.of("title", "Frames")).post("/api/rooms")
                .then().statusCode(201).extract();
        String token = given().contentType(ContentType.JSON)
                .body(Map.of("code", room.path("joinCode"), "name", "Ada")).post("/api/rooms/join")
                .then().statusCode(201).extract().path("learnerToken");
        try {
            JsonInbox student = new JsonInbox();
            WebSocket channel = open("/ws/rooms/student?learner=" + token, student);
            student.await("the welcome", m -> "welcome".equals(m.path("type").asText()), SOON);
            channel.sendBinary(ByteBuffer.wrap(new byte[] {0}), true).join();
            JsonNode error = student.await("an error", m -> "error".equals(m.path("type").asText()), SOON);
            assertTrue(error.path("message").asText().contains("JSON text"), error.toString());
            channel.sendText("{\"type\":\"code\",\"source\":\"" + "z".repeat(WIRE_LIMIT + 1) + "\"}", true);
            assertRefusedAsTooBig(student);
        } finally {
            given().header("Authorization", "Bearer " + room.path("instructorSecret"))
                    .delete("/api/rooms/" + room.path("roomId")).then().statusCode(204);
        }
    }
}
