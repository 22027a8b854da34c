package dev.bpflab.runs;

import dev.bpflab.compiler.CompileResult;
import dev.bpflab.compiler.HostCompiler;
import dev.bpflab.protocol.ClientMessage;
import dev.bpflab.protocol.ServerMessage;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One connection's compile-only requests (errors as you type, {@link ClientMessage.Compile}): compiled on the host's
 * compiler exactly as a Run's source is, for the kernel it names (the default when none; an unknown one is answered
 * with the backend's refusal as the compile's {@code problem}), and answered with a {@link ServerMessage.Compiled};
 * no sandbox is involved and the connection's run is never touched. At most one compiles and one waits
 * ({@link CompileTurns}; a compile's turn ends once clang has answered): a newer request replaces the waiting one,
 * which gets no answer. A successful compile's answer is followed by its {@link ServerMessage.Instructions}, with the
 * request's id. The host's compile threads bound the compiles of all connections together
 * ({@code bpflab.compile.concurrency}), clients taking turns.
 */
final class CompileRequests {
    private final CompileTurns<ClientMessage.Compile> turns;
    private final Consumer<ServerMessage> answer;
    private final RunServices services;
    private volatile boolean closed;
    /**
     * The requests whose {@link ServerMessage.Compiled} went as soon as clang succeeded, until their listing goes: the
     * next request may compile meanwhile.
     */
    private final Set<ClientMessage.Compile> answeredEarly =
            Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>())); // by identity: ids may repeat

    /** {@code answer} sends a {@link ServerMessage.Compiled} to the client; {@code client} is whose compiles these are. */
    CompileRequests(RunServices services, Object client, Consumer<ServerMessage> answer) {
        this.answer = answer;
        this.services = services;
        this.turns = new CompileTurns<>(services.backend(), services.compiler(), services.workers(), client,
                ClientMessage.Compile::source, ClientMessage.Compile::kernel, request -> closed, this::answer, this::answerEarly);
    }

    /**
     * Compiles {@code request}, or answers at once, as a Run would be, when the program needs what its kernel was
     * probed without (the kernel diagnostics on their lines): what the learner sees while typing is what Run says.
     */
    void request(ClientMessage.Compile request) {
        if (closed) {
            return;
        }
        String kernel;
        try {
            kernel = services.backend().requireKernel(request.kernel());
        } catch (dev.bpflab.sandbox.SandboxException e) {
            turns.request(request); // the compile says the unknown kernel as its problem
            return;
        }
        var lacking = services.kernels().refusal(request.source(), kernel);
        if (lacking.isPresent()) {
            answer.accept(new ServerMessage.Compiled(request.id(), false, lacking.get().items(), null));
            return;
        }
        turns.request(request);
    }

    /** The connection closed: nothing waiting is compiled, nothing more is answered. */
    void close() {
        closed = true;
        turns.dropWaiting();
    }

    /**
     * clang succeeded: the markers need nothing more, so the answer goes now, while the listing and the CO-RE BTF are
     * still being made (a few hundred milliseconds of jails under load); the listing follows in {@link #answer}.
     */
    private void answerEarly(ClientMessage.Compile request, CompileResult clang) {
        if (!closed) {
            answeredEarly.add(request);
            answer.accept(new ServerMessage.Compiled(request.id(), clang.succeeded(), clang.diagnostics(), null));
        }
    }

    private void answer(ClientMessage.Compile request, CompileTurns.Outcome outcome) {
        if (closed) {
            answeredEarly.clear();
            return; // the result stays in the cache
        }
        boolean answered = answeredEarly.remove(request); // then only the listing is left to send
        CompileResult result = outcome.result();
        if (!answered && outcome.failure() != null) {
            answer.accept(new ServerMessage.Compiled(request.id(), false, null,
                    HostCompiler.unwrap(outcome.failure()).getMessage()));
        } else if (!answered) {
            answer.accept(new ServerMessage.Compiled(request.id(), result.succeeded(), result.diagnostics(), null));
        }
        if (result != null && result.succeeded() && result.instructions() != null) {
            answer.accept(result.instructions().withId(request.id()));
        }
    }
}
