package dev.bpflab.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A /ws/run client for tests: sends contract messages, records everything the server says, waits for a match. */
public final class RunClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonInbox inbox = new JsonInbox();
    private final WebSocket socket;

    public RunClient(URI serverRoot) {
        this(serverRoot, "", Map.of());
    }

    /** Connects to {@code /ws/run} with {@code query} (e.g. {@code "?learner=…"}, or "") and extra request headers. */
    public RunClient(URI serverRoot, String query, Map<String, String> headers) {
        URI ws = URI.create(serverRoot.toString().replaceFirst("^http", "ws").replaceAll("/$", "") + "/ws/run" + query);
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        headers.forEach(builder::header);
        this.socket = builder.buildAsync(ws, inbox).join();
    }

    /** Stops reading, as a browser tab that cannot keep up: the server has to hold or shed what it sends. */
    public void pauseReading() {
        inbox.pause();
    }

    public void resumeReading() {
        inbox.resume();
    }

    public static String program(String name) {
        try {
            return Files.readString(Path.of("server/src/test/resources/programs", name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void run(String source) {
        send(JSON.createObjectNode().put("type", "run").put("source", source));
    }

    public void workload(String name) {
        send(JSON.createObjectNode().put("type", "workload").put("name", name));
    }

    public void stop() {
        send(JSON.createObjectNode().put("type", "stop"));
    }

    public void send(ObjectNode message) {
        sendRaw(message.toString());
    }

    public void sendRaw(String text) {
        socket.sendText(text, true).join();
    }

    /** Waits for a message matching {@code match}; fails with everything seen so far if none comes in time. */
    public JsonNode await(String what, Predicate<JsonNode> match, Duration timeout) {
        return inbox.await(what, match, timeout);
    }

    public JsonNode awaitPhase(String phase, Duration timeout) {
        return await("phase " + phase, m -> isPhase(m, phase), timeout);
    }

    public JsonNode awaitType(String type, Duration timeout) {
        return await("a " + type + " message", m -> type.equals(m.path("type").asText()), timeout);
    }

    public static boolean isPhase(JsonNode m, String phase) {
        return "phase".equals(m.path("type").asText()) && phase.equals(m.path("phase").asText());
    }

    public List<JsonNode> seen() {
        return inbox.seen();
    }

    /** Everything received so far, including messages nobody awaited yet. */
    public List<JsonNode> drain() {
        return inbox.drain();
    }

    /** The close code the server sent, or null while the socket is open. */
    public Integer closeCode() {
        return inbox.closeCode();
    }

    public String closeReason() {
        return inbox.closeReason();
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
}
