package dev.bpflab.runs;

import dev.bpflab.compiler.HostCompiler;
import dev.bpflab.limits.Client;
import dev.bpflab.limits.ClientLimits;
import dev.bpflab.metrics.RunMetrics;
import dev.bpflab.protocol.ClientMessage;
import dev.bpflab.protocol.ProtocolException;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.sandbox.SandboxBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;

/**
 * One browser connection of a {@link RunSession} under test: everything it received, decoded with the contract's
 * types (a message outside the contract fails the test). {@link #session} connects one to a session on a backend.
 */
final class RecordingBrowser implements ClientStream.Outlet {
    final List<ServerMessage> seen = new CopyOnWriteArrayList<>();

    /** A session of client {@code id} on {@code backend}, sending to {@code browser}; runs are plain sources. */
    static RunSession session(String id, RecordingBrowser browser, SandboxBackend backend, HostCompiler compiler,
            ClientLimits limits, ExecutorService workers, ScheduledExecutorService timers) {
        RunServices services = new RunServices(backend, compiler,
                RunMetrics.registeredIn(new SimpleMeterRegistry(), backend), new RunSettings(300, 1800, 262144), workers,
                timers, ClientMessage.Run::source, check -> {
                    throw new IllegalArgumentException("no checks here");
                }, limits, new dev.bpflab.kernels.KernelFeatures(backend, java.time.Duration.ofSeconds(60),
                        java.time.Duration.ofSeconds(60)));
        return new RunSession(new Client(id, null), services, browser, activity -> { });
    }

    @Override
    public CompletionStage<?> send(String json) {
        try {
            seen.add(RunJson.server(json));
        } catch (ProtocolException e) {
            throw new AssertionError("the server sent a message outside the contract: " + json, e);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void hangUp(String reason) {
        throw new AssertionError("the browser was hung up on: " + reason);
    }

    boolean saw(Predicate<ServerMessage> what) {
        return seen.stream().anyMatch(what);
    }

    /** The first message that matches, or null. */
    ServerMessage first(Predicate<ServerMessage> what) {
        return seen.stream().filter(what).findFirst().orElse(null);
    }
}
