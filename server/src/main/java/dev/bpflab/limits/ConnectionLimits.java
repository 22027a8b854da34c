package dev.bpflab.limits;

import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.support.threads.Daemons;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The connection budgets of every WebSocket endpoint (/ws/run and the room sockets). At the upgrade it notes who the
 * client is ({@link Client}: the socket's remote address, or the last {@code X-Forwarded-For} entry when
 * {@code bpflab.limits.trust-forwarded-for} says a reverse proxy sets it; the {@code learner} query parameter) and the
 * HTTP connection underneath. Endpoints call {@link #admit} when a socket opens and {@link #release} when it closes.
 */
@Singleton
public class ConnectionLimits implements HttpUpgradeCheck {
    private static final Logger LOG = Logger.getLogger(ConnectionLimits.class);
    /** Close code 1013, "try again later": the client is over its connection budget. */
    public static final int TRY_AGAIN_LATER = 1013;
    private static final long HANG_UP_GRACE_MS = 2000;
    private static final int MAX_ADDRESS_CHARS = 64;
    private static final UserData.TypedKey<Client> CLIENT = new UserData.TypedKey<>("bpflab.client");
    private static final UserData.TypedKey<HttpConnection> TRANSPORT = new UserData.TypedKey<>("bpflab.transport");
    private static final UserData.TypedKey<Boolean> COUNTED = UserData.TypedKey.forBoolean("bpflab.counted");

    @Inject
    ClientLimits limits;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Daemons.factory("hang-up"));

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        HttpServerRequest request = context.httpRequest();
        context.userData().put(CLIENT, new Client(address(request), request.getParam("learner")));
        context.userData().put(TRANSPORT, request.connection());
        return CheckResult.permitUpgrade();
    }

    private String address(HttpServerRequest request) {
        String forwarded = limits.settings().trustForwardedFor() ? request.getHeader("X-Forwarded-For") : null;
        String address = forwarded == null || forwarded.isBlank() ? null
                : forwarded.substring(forwarded.lastIndexOf(',') + 1).strip();
        if (address == null || address.isEmpty()) {
            address = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        }
        return address == null ? null : address.substring(0, Math.min(address.length(), MAX_ADDRESS_CHARS));
    }

    /** Who is on the other end of {@code connection}. */
    public Client client(WebSocketConnection connection) {
        Client client = connection.userData().get(CLIENT);
        return client != null ? client : new Client(connection.handshakeRequest().remoteAddress(), null);
    }

    /**
     * Counts a newly opened socket against its client's connection budget. Over budget, the client gets an
     * {@code error} saying which limit and what to do, the socket is closed with {@link #TRY_AGAIN_LATER}, and this
     * returns false: the endpoint then does nothing more with it.
     */
    public boolean admit(WebSocketConnection connection) {
        try {
            limits.openConnection(client(connection));
            connection.userData().put(COUNTED, true);
            return true;
        } catch (LimitException e) {
            refuse(connection, e.error(), new CloseReason(TRY_AGAIN_LATER, "too many connections; see the error message"));
            return false;
        }
    }

    /**
     * Sends {@code connection} the {@code error} {@code why}, then closes it with {@code reason} (and shuts its
     * TCP connection a moment later whatever the client did): a socket that may not be used, told what to do.
     */
    public void refuse(WebSocketConnection connection, ServerMessage.Error why, CloseReason reason) {
        connection.sendText(RunJson.write((ServerMessage) why))
                .onItemOrFailure().transformToUni((v, t) -> connection.close(reason))
                .subscribe().with(v -> {
                }, t -> LOG.debugf("could not refuse %s politely: %s", connection.id(), t.getMessage()));
        hardCloseLater(connection);
    }

    /** A socket closed: it no longer counts (nothing happens for one that {@link #admit} refused). */
    public void release(WebSocketConnection connection) {
        if (connection.userData().remove(COUNTED) != null) {
            limits.closeConnection(client(connection));
        }
    }

    /**
     * Closes {@code connection} with {@code reason}, and shuts its TCP connection a moment later whatever the client
     * did (a client that does not read never reads the close frame either, and would keep the connection open).
     */
    public void hangUp(WebSocketConnection connection, CloseReason reason) {
        connection.close(reason).subscribe().with(v -> {
        }, t -> LOG.debugf("closing %s: %s", connection.id(), t.getMessage()));
        hardCloseLater(connection);
    }

    private void hardCloseLater(WebSocketConnection connection) {
        HttpConnection transport = connection.userData().get(TRANSPORT);
        if (transport == null) {
            return;
        }
        timer.schedule(() -> {
            // Vert.x closes a connection gracefully, after what is already queued for it: for a client that does not
            // read, never. Netty's channel closes at once, and what was queued is dropped. Nothing happens if the
            // close handshake already ended the connection.
            if (transport instanceof ConnectionBase base) {
                base.channel().close();
            } else {
                transport.close();
            }
        }, HANG_UP_GRACE_MS, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
