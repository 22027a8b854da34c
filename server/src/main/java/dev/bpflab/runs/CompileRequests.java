package dev.bpflab.runs;

import dev.bpflab.compiler.HostCompiler;
import dev.bpflab.protocol.ClientMessage;
import dev.bpflab.protocol.ServerMessage;
import java.util.function.Consumer;

/**
 * One connection's compile-only requests (errors as you type, {@link ClientMessage.Compile}): compiled on the host's
 * compiler exactly as a Run's source is, for the sandboxes' kernel, and answered with a {@link ServerMessage.Compiled};
 * no sandbox is involved and the connection's run is never touched. At most one compiles and one waits
 * ({@link CompileTurns}): a newer request replaces the waiting one, which gets no answer. A successful compile's
 * answer is followed by its {@link ServerMessage.Instructions}, with the request's id. The host's compile threads
 * bound the compiles of all connections together ({@code bpflab.compile.concurrency}), clients taking turns.
 */
final class CompileRequests {
    private final CompileTurns<ClientMessage.Compile> turns;
    private final Consumer<ServerMessage> answer;
    private volatile boolean closed;

    /** {@code answer} sends a {@link ServerMessage.Compiled} to the client; {@code client} is whose compiles these are. */
    CompileRequests(RunServices services, Object client, Consumer<ServerMessage> answer) {
        this.answer = answer;
        this.turns = new CompileTurns<>(services.backend(), services.compiler(), services.workers(), client,
                ClientMessage.Compile::source, request -> closed, this::answer);
    }

    void request(ClientMessage.Compile request) {
        if (!closed) {
            turns.request(request);
        }
    }

    /** The connection closed: nothing waiting is compiled, nothing more is answered. */
    void close() {
        closed = true;
        turns.dropWaiting();
    }

    private void answer(ClientMessage.Compile request, CompileTurns.Outcome outcome) {
        if (closed) {
            return; // the result stays in the cache
        }
        if (outcome.failure() != null) {
            answer.accept(new ServerMessage.Compiled(request.id(), false, null,
                    HostCompiler.unwrap(outcome.failure()).getMessage()));
            return;
        }
        answer.accept(new ServerMessage.Compiled(request.id(), outcome.result().succeeded(),
                outcome.result().diagnostics(), null));
        if (outcome.result().succeeded() && outcome.result().instructions() != null) {
            answer.accept(outcome.result().instructions().withId(request.id()));
        }
    }
}
