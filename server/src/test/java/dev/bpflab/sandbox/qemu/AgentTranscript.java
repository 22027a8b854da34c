package dev.bpflab.sandbox.qemu;

import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.testing.Compilers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.compiler.CompileResult;
import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.Workload;
import dev.bpflab.sandbox.AgentListener;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/** Everything one agent said, for tests to wait on. */
final class AgentTranscript implements AgentListener {
    private static final ObjectMapper JSON = new ObjectMapper();

    final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    final CompletableFuture<String> exit = new CompletableFuture<>();

    static AgentTranscript listenTo(AgentChannel channel) {
        AgentTranscript transcript = new AgentTranscript();
        channel.listen(transcript);
        return transcript;
    }

    @Override
    public void onLine(String jsonLine) {
        try {
            messages.add(JSON.readTree(jsonLine));
        } catch (IOException e) {
            messages.add(JSON.createObjectNode().put("type", "not-json").put("text", jsonLine));
        }
        synchronized (this) {
            notifyAll();
        }
    }

    @Override
    public void onExit(String reason) {
        exit.complete(reason);
        synchronized (this) {
            notifyAll();
        }
    }

    /** Waits for a message matching {@code test}; fails with the transcript if none comes in time. */
    JsonNode await(Predicate<JsonNode> test, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                for (JsonNode message : messages) {
                    if (test.test(message)) {
                        return message;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || exit.isDone()) {
                    throw new AssertionError("no " + what + " within " + timeout.toSeconds() + " s; agent said "
                            + messages + (exit.isDone() ? "; exit: " + exit.getNow("") : ""));
                }
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    JsonNode awaitType(String type, Duration timeout) throws InterruptedException {
        return await(m -> m.path("type").asText().equals(type), timeout, "'" + type + "' message");
    }

    String awaitExit(Duration timeout) throws InterruptedException {
        try {
            return exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(e);
        } catch (TimeoutException e) {
            throw new AssertionError("the agent did not end within " + timeout.toSeconds() + " s; it said " + messages);
        }
    }

    /** The agent's run command for {@code source} compiled for {@code backend}, as the server sends it (300 s). */
    static String run(SandboxBackend backend, String source) throws Exception {
        CompileResult compiled = Compilers.compiled(backend, source);
        return RunJson.write(new AgentCommand.Start(source, compiled.object(), 300, Map.of(), null, null,
                compiled.coreBtf()));
    }

    static String workload(String name) {
        return RunJson.write(new AgentCommand.Workload(Workload.fromWire(name).orElseThrow()));
    }
}
