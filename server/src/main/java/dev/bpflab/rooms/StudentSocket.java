package dev.bpflab.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.limits.ConnectionLimits;
import dev.bpflab.limits.SocketInput;
import io.vertx.core.buffer.Buffer;
import io.quarkus.websockets.next.CloseReason;
import io.smallrye.common.annotation.NonBlocking;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code /ws/rooms/student?learner=<learnerToken>}: a student's channel to their room. The upgrade is refused (401 no
 * token, 403 unknown token) by {@link RoomUpgradeCheck}.
 * Server → student: {@code welcome} on connect, then {@code push}, {@code broadcast}, {@code closed}, {@code error};
 * {@code removed} when the instructor removes the student, after which the channel is closed (code 4410); {@code left}
 * when the student left the room from another page (code 4411).
 * Student → server: {@code {"type":"progress","lesson":"<id>","step":N}}, {@code {"type":"code","source":"<C>"}},
 * {@code {"type":"taken","push":"<push id>"}} (the page applied that push), {@code {"type":"ping"}}.
 */
@WebSocket(path = "/ws/rooms/student", endpointId = StudentSocket.ID)
public class StudentSocket {
    static final String ID = "bpflab-room-student";

    @Inject
    Rooms rooms;
    @Inject
    RoomChannels channels;
    @Inject
    ObjectMapper json;
    @Inject
    ConnectionLimits connections;
    @Inject
    RoomCatalogs catalogs;

    private final Map<String, Rooms.Membership> members = new ConcurrentHashMap<>();

    /**
     * On the socket's event loop, as {@code /ws/run}'s: opening only counts, looks up and hands over to the rooms' one
     * sending thread, and a blocking method would take a worker thread per opening socket.
     */
    @OnOpen
    @NonBlocking
    public void onOpen(WebSocketConnection connection) {
        if (!connections.admit(connection)) {
            return;
        }
        var member = rooms.member(QueryParams.get(connection.handshakeRequest().query(), "learner"));
        if (member.isEmpty()) {
            connection.close(new CloseReason(4403, "unknown learner token")).subscribe().with(v -> {
            }, t -> {
            });
            return;
        }
        members.put(connection.id(), member.get());
        channels.studentOpened(member.get(), connection);
    }

    @OnTextMessage
    public void onMessage(WebSocketConnection connection, String text) {
        Rooms.Membership member = members.get(connection.id());
        if (member == null) {
            return;
        }
        String problem;
        try {
            JsonNode message = json.readTree(text);
            String type = message.path("type").asText("");
            switch (type) {
                case "progress" -> {
                    RoomRequests.Progress progress = RoomRequests.progress(message);
                    catalogs.requireLessonStep(progress.lesson(), progress.step());
                    rooms.progress(member, progress);
                }
                case "code" -> {
                    if (!message.path("source").isTextual()) {
                        throw new RoomException(400, "\"source\" must be the editor's text.");
                    }
                    rooms.editorSource(member, message.get("source").asText());
                }
                case "taken" -> rooms.pushTaken(member, message);
                case "ping" -> {
                }
                default -> throw new RoomException(400, "unknown message type '" + RoomText.clean(type, 40)
                        + "': send progress, code, taken or ping");
            }
            return;
        } catch (IOException e) {
            problem = "that message is not JSON; send e.g. {\"type\":\"progress\",\"lesson\":\"hello\",\"step\":1}";
        } catch (RoomException e) {
            problem = e.getMessage();
        }
        channels.sendLater(connection, json.createObjectNode().put("type", "error").put("message", problem).toString());
    }

    /** Every message is JSON text: a binary frame gets an {@code error}. */
    @OnBinaryMessage
    public void onBinary(WebSocketConnection connection, Buffer data) {
        channels.sendLater(connection, json.createObjectNode().put("type", "error")
                .put("message", SocketInput.binaryRefusal("{\"type\":\"ping\"}")).toString());
    }

    /** On the event loop too: closing only uncounts and hands over. */
    @OnClose
    @NonBlocking
    public void onClose(WebSocketConnection connection) {
        connections.release(connection);
        Rooms.Membership member = members.remove(connection.id());
        if (member != null) {
            channels.studentClosed(member, connection);
        }
    }
}
