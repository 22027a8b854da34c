package dev.bpflab.rooms;

import dev.bpflab.limits.ConnectionLimits;
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

/**
 * {@code /ws/rooms/{roomId}/dashboard?secret=<instructorSecret>}: the instructor's live view. The upgrade is refused
 * (401 no secret, 404 no room, 403 wrong secret) by {@link RoomUpgradeCheck}. Server → instructor:
 * {@code snapshot} on connect, then {@code students} (changed rows), {@code push}, {@code broadcast}, {@code closed},
 * {@code removed} (a student the instructor removed: drop the row) and {@code locked} (joining locked or unlocked).
 */
@WebSocket(path = "/ws/rooms/{roomId}/dashboard", endpointId = DashboardSocket.ID)
public class DashboardSocket {
    static final String ID = "bpflab-room-dashboard";

    @Inject
    Rooms rooms;
    @Inject
    RoomChannels channels;
    @Inject
    ConnectionLimits connections;

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
        try {
            Room room = rooms.instructorRoom(connection.pathParam("roomId"),
                    QueryParams.get(connection.handshakeRequest().query(), "secret"));
            channels.dashboardOpened(room, connection);
        } catch (RoomException e) {
            // The upgrade check refuses these; this covers a room closed in between.
            connection.close(new CloseReason(4000 + e.status(), e.getMessage())).subscribe().with(v -> {
            }, t -> {
            });
        }
    }

    /** The dashboard only listens; anything it says gets a pointer to the REST actions. */
    @OnTextMessage
    public String onMessage(String text) {
        return "{\"type\":\"error\",\"message\":\"this socket only reports; act with POST /api/rooms/{id}/push or /broadcast\"}";
    }

    /** The dashboard only listens, whatever the frame. */
    @OnBinaryMessage
    public void onBinary(WebSocketConnection connection, Buffer data) {
        connection.sendText(onMessage(null)).subscribe().with(v -> {
        }, t -> {
        });
    }

    /** On the event loop too: closing only uncounts and hands over. */
    @OnClose
    @NonBlocking
    public void onClose(WebSocketConnection connection) {
        connections.release(connection);
        channels.dashboardClosed(connection.pathParam("roomId"), connection);
    }
}
