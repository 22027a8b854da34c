package dev.bpflab.limits;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * What every WebSocket endpoint (/ws/run and the room sockets) does with input it never reads as a message.
 * <ul>
 * <li>A message over the wire limit ({@code quarkus.websockets-next.server.max-message-size}, bytes): Vert.x raises an
 * {@link IllegalStateException} for it, once per frame that arrives after the limit (Netty a
 * {@link CorruptedWebSocketFrameException} for one frame over {@code max-frame-size}). The {@code @OnError} methods
 * here are global, for every endpoint: the socket is closed with {@link #MESSAGE_TOO_BIG} and a reason saying the
 * limit and what to do, and one short line is logged per connection, never a stack trace.</li>
 * <li>A binary frame: every message is JSON text; {@link #binaryRefusal} is the error text to answer it with.</li>
 * </ul>
 */
@Singleton
public class SocketInput {
    private static final Logger LOG = Logger.getLogger(SocketInput.class);
    /** Close code 1009, "message too big": a message over the wire limit. */
    public static final int MESSAGE_TOO_BIG = 1009;
    private static final UserData.TypedKey<Boolean> REFUSED = UserData.TypedKey.forBoolean("bpflab.oversized");

    @ConfigProperty(name = "quarkus.websockets-next.server.max-message-size", defaultValue = "65536")
    int maxMessageBytes;
    @Inject
    ConnectionLimits connections;

    /** Whether {@code error} is Vert.x's or Netty's word that a message (or frame) is over the wire limit. */
    static boolean isOversized(Throwable error) {
        if (error instanceof CorruptedWebSocketFrameException corrupted) {
            return corrupted.closeStatus() != null
                    && corrupted.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code();
        }
        String message = error instanceof IllegalStateException ? error.getMessage() : null;
        return message != null && message.startsWith("Cannot process ") && message.contains("max message size");
    }

    @OnError
    public void onError(WebSocketConnection connection, IllegalStateException error) {
        refuseOversized(connection, error);
    }

    @OnError
    public void onError(WebSocketConnection connection, CorruptedWebSocketFrameException error) {
        refuseOversized(connection, error);
    }

    /**
     * Closes {@code connection} with {@link #MESSAGE_TOO_BIG} if {@code error} says its client sent a message over the
     * wire limit (the first time: later frames of the same message change nothing); rethrows any other error, for the
     * WebSocket runtime to handle as it would have (logged, the socket closed).
     */
    private void refuseOversized(WebSocketConnection connection, RuntimeException error) {
        if (!isOversized(error)) {
            throw error;
        }
        if (connection.userData().put(REFUSED, true) != null) {
            return;
        }
        LOG.infof("closed a WebSocket on %s (%s) with %d: a message over %d bytes", connection.handshakeRequest().path(),
                connections.client(connection).address(), MESSAGE_TOO_BIG, maxMessageBytes);
        if (connection.isClosed()) {
            return; // Netty closed it already, with 1009 and its own reason, for a frame over max-frame-size
        }
        // A close reason holds at most 123 bytes.
        connections.hangUp(connection, new CloseReason(MESSAGE_TOO_BIG, "a message may be at most " + maxMessageBytes
                + " bytes; this one was longer: shorten it, then connect again"));
    }

    /** The error text for a binary frame; {@code example} is a message the socket does read. */
    public static String binaryRefusal(String example) {
        return "binary frames are not read here: send each message as JSON text, e.g. " + example;
    }
}
