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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A /ws/run client for tests: sends contract messages, records everything the server says, waits for a match. */
public final class RunClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LinkedBlockingQueue<JsonNode> incoming = new LinkedBlockingQueue<>();
    private final List<JsonNode> seen = new ArrayList<>();
    private final WebSocket socket;
    private volatile boolean paused;
    private volatile boolean owed;

    public RunClient(URI serverRoot) {
        URI ws = URI.create(serverRoot.toString().replaceFirst("^http", "ws").replaceAll("/$", "") + "/ws/run");
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(ws, new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        incoming.add(JSON.readTree(partial.toString()));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    partial.setLength(0);
                }
                if (paused) {
                    owed = true;
                } else {
                    webSocket.request(1);
                }
                return null;
            }
        }).join();
    }

    /** Stops reading, as a browser tab that cannot keep up: the server has to hold or shed what it sends. */
    public void pauseReading() {
        paused = true;
    }

    public void resumeReading() {
        paused = false;
        if (owed) {
            owed = false;
            socket.request(1);
        }
    }

    public static String program(String name) {
        try {
            return Files.readString(Path.of("src/test/resources/programs", name), StandardCharsets.UTF_8);
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
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (seen) {
            for (JsonNode m : seen) {
                if (match.test(m)) {
                    return m;
                }
            }
        }
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode next;
            try {
                next = left > 0 ? incoming.poll(left, TimeUnit.NANOSECONDS) : null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
            if (next == null) {
                throw new AssertionError("no " + what + " within " + timeout.toSeconds() + " s; the server said:\n"
                        + String.join("\n", seen().stream().map(JsonNode::toString).toList()));
            }
            synchronized (seen) {
                seen.add(next);
            }
            if (match.test(next)) {
                return next;
            }
        }
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
        synchronized (seen) {
            return new ArrayList<>(seen);
        }
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
}
