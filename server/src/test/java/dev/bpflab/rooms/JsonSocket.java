package dev.bpflab.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.testing.JsonInbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A WebSocket client for the rooms tests: JSON text frames in, every message kept, wait for one that matches. */
final class JsonSocket implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private final JsonInbox inbox = new JsonInbox();
    private final WebSocket socket;

    private JsonSocket(URI uri) {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, inbox).join();
    }

    /** Connects to {@code path} (with its query) on the server at {@code root}. */
    static JsonSocket open(URI root, String pathAndQuery) {
        return new JsonSocket(ws(root, pathAndQuery));
    }

    /** The HTTP status the server refused the upgrade with, or -1 if it accepted. */
    static int refusal(URI root, String pathAndQuery) {
        try {
            HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(ws(root, pathAndQuery), new WebSocket.Listener() {
            }).join().sendClose(WebSocket.NORMAL_CLOSURE, "").join();
            return -1;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    private static URI ws(URI root, String pathAndQuery) {
        return URI.create(root.toString().replaceFirst("^http", "ws").replaceAll("/$", "") + pathAndQuery);
    }

    void send(Object message) {
        try {
            socket.sendText(JSON.writeValueAsString(message), true).join();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode await(String what, Predicate<JsonNode> match, Duration timeout) {
        return inbox.await(what, match, timeout);
    }

    JsonNode awaitType(String type, Duration timeout) {
        return await("a " + type + " message", m -> type.equals(m.path("type").asText()), timeout);
    }

    /** Waits until a dashboard message carries a row of {@code studentId} matching {@code row}; returns that row. */
    JsonNode awaitStudent(String studentId, String what, Predicate<JsonNode> row, Duration timeout) {
        JsonNode message = await(what, m -> studentRow(m, studentId) != null && row.test(studentRow(m, studentId)), timeout);
        return studentRow(message, studentId);
    }

    static JsonNode studentRow(JsonNode message, String studentId) {
        for (JsonNode s : message.path("students")) {
            if (studentId.equals(s.path("id").asText())) {
                return s;
            }
        }
        return null;
    }

    List<JsonNode> seen() {
        return inbox.seen();
    }

    /** Everything received so far, including messages nobody awaited yet. */
    List<JsonNode> drain() {
        return inbox.drain();
    }

    Integer closeCode() {
        return inbox.closeCode();
    }

    /** Waits until the server closes the socket; returns the close code it sent. */
    int awaitClose(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inbox.closeCode() == null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server did not close the socket within " + timeout.toMillis() + " ms");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for the socket to close");
            }
        }
        return inbox.closeCode();
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
}
