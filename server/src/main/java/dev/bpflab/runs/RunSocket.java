package dev.bpflab.runs;

import dev.bpflab.compiler.HostCompiler;
import dev.bpflab.limits.Client;
import dev.bpflab.limits.ClientLimits;
import dev.bpflab.limits.ConnectionLimits;
import dev.bpflab.limits.SocketInput;
import dev.bpflab.metrics.RunMetrics;
import dev.bpflab.protocol.ErrorCode;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.support.threads.Daemons;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.buffer.Buffer;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The {@code /ws/run} endpoint of the run contract (ARCHITECTURE.md): thin, each connection is a {@link RunSession}.
 * A connection counts against its client's connection budget ({@link ConnectionLimits}); one with no run and no
 * message from its client for {@code bpflab.limits.idle-timeout} is closed (a run, even a quiet one, keeps it open).
 * A message over the wire limit closes it with 1009, a binary frame is answered with an {@code error}
 * ({@link SocketInput}).
 */
@WebSocket(path = "/ws/run")
public class RunSocket {
    /** Close code 1008, "policy violation": the client did not read what it was sent. */
    static final int POLICY_VIOLATION = 1008;
    /** Close code of a socket whose learner token is no room's (an application code: 4000-4999). */
    static final int NOT_IN_A_ROOM = 4403;
    private static final CloseReason MEMBERSHIP_ENDED = new CloseReason(NOT_IN_A_ROOM, "the room membership ended");
    static final ServerMessage.Error NOT_IN_A_ROOM_ERROR = new ServerMessage.Error("this page's learner token belongs"
            + " to no student of an open room (you left the room, the instructor removed you, or the room was closed),"
            + " so it no longer runs programs:"
            + " press Run again to run on your own (the page has forgotten the room), or join the room again",
            ErrorCode.NOT_IN_A_ROOM, Map.of());

    private record Open(WebSocketConnection connection, RunSession session) {
    }

    private final Map<String, Open> open = new ConcurrentHashMap<>();
    private final ExecutorService workers = Executors.newCachedThreadPool(Daemons.factory("run-worker"));
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(1, Daemons.factory("run-timer"));

    @Inject
    SandboxBackend backend;
    @Inject
    HostCompiler compiler;
    @Inject
    RunMetrics metrics;
    @Inject
    RunSources sources;
    @Inject
    RunChecks checks;
    @Inject
    ClientLimits limits;
    @Inject
    dev.bpflab.kernels.KernelFeatures kernels;
    @Inject
    ConnectionLimits connections;
    @Inject
    LearnerTokens learners;
    @ConfigProperty(name = "bpflab.run.default-timeout-seconds", defaultValue = "300")
    int defaultTimeoutSeconds;
    @ConfigProperty(name = "bpflab.run.max-timeout-seconds", defaultValue = "1800")
    int maxTimeoutSeconds;
    @ConfigProperty(name = "bpflab.run.max-message-bytes", defaultValue = "262144")
    int maxMessageBytes;

    @Inject
    Event<RunActivity> activity;

    private RunServices services;

    @PostConstruct
    void start() {
        services = new RunServices(backend, compiler, metrics,
                new RunSettings(defaultTimeoutSeconds, maxTimeoutSeconds, maxMessageBytes), workers, timers, sources,
                checks, limits, kernels);
        Duration idle = limits.settings().idleTimeout();
        long every = Math.max(100, Math.min(idle.toMillis() / 4, 30_000));
        timers.scheduleWithFixedDelay(this::closeIdle, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * On the socket's own event loop: admitting and setting up a session only counts and allocates, and a blocking
     * method here would take a worker thread per opening socket (300 sockets opened at once grew the worker pool by
     * dozens of threads).
     */
    @OnOpen
    @NonBlocking
    public void onOpen(WebSocketConnection connection) {
        if (!connections.admit(connection)) {
            return;
        }
        Client who = connections.client(connection);
        if (who.learner() != null && !learners.isMember(who.learner())) {
            connections.refuse(connection, NOT_IN_A_ROOM_ERROR, MEMBERSHIP_ENDED);
            return;
        }
        ClientStream.Outlet outlet = new ClientStream.Outlet() {
            @Override
            public java.util.concurrent.CompletionStage<?> send(String text) {
                return connection.sendText(text).subscribeAsCompletionStage();
            }

            @Override
            public void hangUp(String reason) {
                connections.hangUp(connection, new CloseReason(POLICY_VIOLATION, reason));
            }
        };
        open.put(connection.id(), new Open(connection, new RunSession(who,
                services, outlet, activity::fire)));
    }

    /** On the socket's own thread: a message is only queued here, so reading keeps pace with what is handled. */
    @OnTextMessage
    @NonBlocking
    public void onMessage(WebSocketConnection connection, String text) {
        Open o = open.get(connection.id());
        if (o != null) {
            o.session().receive(text);
        }
    }

    /** Every message is JSON text: a binary frame gets an {@code error}, in order with the session's answers. */
    @OnBinaryMessage
    @NonBlocking
    public void onBinary(WebSocketConnection connection, Buffer data) {
        Open o = open.get(connection.id());
        if (o != null) {
            o.session().receiveBinary();
        }
    }

    /** On the event loop too: ending a session only flags and cancels; a sandbox is released on a run worker. */
    @OnClose
    @NonBlocking
    public void onClose(WebSocketConnection connection) {
        connections.release(connection);
        Open o = open.remove(connection.id());
        if (o != null) {
            o.session().close();
        }
    }

    /**
     * Memberships ended (a student left or was removed, a room closed): each open socket whose learner token ended
     * is told why and closed, and its run stops, so its sandbox goes back to the class.
     */
    void onMembershipsEnded(@Observes LearnerTokens.Ended ended) {
        for (Open o : open.values()) {
            String learner = o.session().learner();
            if (learner != null && !learners.isMember(learner)) {
                end(o, NOT_IN_A_ROOM_ERROR, MEMBERSHIP_ENDED);
            }
        }
    }

    private void closeIdle() {
        Duration idle = limits.settings().idleTimeout();
        for (Open o : open.values()) {
            if (o.session().idleFor(idle)) {
                end(o, null, new CloseReason(CloseReason.NORMAL.getCode(), "closed after " + idle.toSeconds()
                        + " s without a run or a message; press Run to connect again"));
            }
        }
    }

    /**
     * Ends {@code o}'s session (its run stops) and closes its socket with {@code reason}, once, after telling the
     * client {@code why} (null: nothing more than the close).
     */
    private void end(Open o, ServerMessage.Error why, CloseReason reason) {
        if (open.remove(o.connection().id(), o)) {
            if (why != null) {
                o.session().control(why);
            }
            o.session().close();
            connections.hangUp(o.connection(), reason);
        }
    }

    @PreDestroy
    void shutdown() {
        open.values().forEach(o -> o.session().close());
        workers.shutdownNow();
        timers.shutdownNow();
    }
}
