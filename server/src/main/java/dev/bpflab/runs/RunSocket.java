package dev.bpflab.runs;

import dev.bpflab.compiler.HostCompiler;
import dev.bpflab.metrics.RunMetrics;
import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.support.threads.Daemons;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Event;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The {@code /ws/run} endpoint of the run contract (ARCHITECTURE.md): thin, each connection is a {@link RunSession}. */
@WebSocket(path = "/ws/run")
public class RunSocket {
    private final Map<String, RunSession> sessions = new ConcurrentHashMap<>();
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
    @ConfigProperty(name = "bpflab.run.default-timeout-seconds", defaultValue = "300")
    int defaultTimeoutSeconds;
    @ConfigProperty(name = "bpflab.run.max-timeout-seconds", defaultValue = "1800")
    int maxTimeoutSeconds;
    @ConfigProperty(name = "bpflab.run.max-message-bytes", defaultValue = "262144")
    int maxMessageBytes;

    @Inject
    Event<RunActivity> activity;

    @OnOpen
    public void onOpen(WebSocketConnection connection) {
        RunSettings settings = new RunSettings(defaultTimeoutSeconds, maxTimeoutSeconds, maxMessageBytes);
        String learner = queryParameter(connection.handshakeRequest().query(), "learner");
        sessions.put(connection.id(), new RunSession(connection.id(), learner, backend, compiler, metrics, settings, workers, timers,
                sources, checks, connection::sendTextAndAwait, activity::fire));
    }

    @OnTextMessage
    public void onMessage(WebSocketConnection connection, String text) {
        RunSession session = sessions.get(connection.id());
        if (session != null) {
            session.onMessage(text);
        }
    }

    @OnClose
    public void onClose(WebSocketConnection connection) {
        RunSession session = sessions.remove(connection.id());
        if (session != null) {
            session.close();
        }
    }

    @PreDestroy
    void shutdown() {
        sessions.values().forEach(RunSession::close);
        workers.shutdownNow();
        timers.shutdownNow();
    }

    static String queryParameter(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
