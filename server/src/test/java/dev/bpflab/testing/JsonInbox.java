package dev.bpflab.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What a test's WebSocket receives: each JSON text message parsed and kept in order, so a test can wait for the one it
 * expects and still show everything the server said when it does not come. Pass it as the socket's listener.
 */
public final class JsonInbox implements WebSocket.Listener {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A message the server sent, as the run contract's type: the test then grades it as the server would. */
    public static dev.bpflab.protocol.ServerMessage typed(JsonNode message) {
        try {
            return dev.bpflab.protocol.RunJson.server(message.toString());
        } catch (dev.bpflab.protocol.ProtocolException e) {
            throw new AssertionError("the server sent a message outside the run contract: " + e.getMessage()
                    + "\n" + message, e);
        }
    }
    private final LinkedBlockingQueue<JsonNode> incoming = new LinkedBlockingQueue<>();
    private final List<JsonNode> seen = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;
    private volatile boolean paused;
    private volatile boolean owed;
    private volatile Integer closeCode;
    private volatile String closeReason;

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        webSocket.request(1);
    }

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

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReason = reason;
        closeCode = statusCode;
        return null;
    }

    /** Stops reading, as a browser tab that cannot keep up: the server has to hold or shed what it sends. */
    public void pause() {
        paused = true;
    }

    public void resume() {
        paused = false;
        if (owed && socket != null) {
            owed = false;
            socket.request(1);
        }
    }

    /** Waits for a message matching {@code match}, received earlier or later; fails with everything seen if none comes. */
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
                throw new AssertionError("no " + what + " within " + timeout.toMillis() + " ms; the server said:\n"
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

    /** The messages awaited so far (and those passed over while awaiting). */
    public List<JsonNode> seen() {
        synchronized (seen) {
            return new ArrayList<>(seen);
        }
    }

    /** Everything received so far, including messages nobody awaited yet. */
    public List<JsonNode> drain() {
        List<JsonNode> rest = new ArrayList<>();
        incoming.drainTo(rest);
        synchronized (seen) {
            seen.addAll(rest);
            return new ArrayList<>(seen);
        }
    }

    /** The close code the server sent, or null while the socket is open. */
    public Integer closeCode() {
        return closeCode;
    }

    /** The reason the server gave with its close code, or null while the socket is open. */
    public String closeReason() {
        return closeReason;
    }
}
