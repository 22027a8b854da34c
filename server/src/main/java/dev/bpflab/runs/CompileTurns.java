package dev.bpflab.runs;

import dev.bpflab.compiler.CompileException;
import dev.bpflab.compiler.CompileResult;
import dev.bpflab.compiler.HostCompiler;
import dev.bpflab.compiler.TargetKernel;
import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.sandbox.SandboxException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * One connection's compiles, one at a time: a run pressed while an earlier run of the connection still compiles waits
 * for that compile to end, and only the newest such run is compiled next. Runs replaced or stopped meanwhile are never
 * compiled, so a burst of Run messages costs the host's compilers two compiles, not one per message.
 */
final class CompileTurns {
    private final SandboxBackend backend;
    private final HostCompiler compiler;
    private final Executor workers;
    private final Object client;
    private RunAttempt compiling; // guarded by this
    private RunAttempt next; // guarded by this

    /**
     * Compiles for {@code backend}'s kernel with {@code compiler}; {@code workers} wait for that kernel. {@code client}
     * is whose compiles these are: the host's compile threads go to clients in turns.
     */
    CompileTurns(SandboxBackend backend, HostCompiler compiler, Executor workers, Object client) {
        this.backend = backend;
        this.compiler = compiler;
        this.workers = workers;
        this.client = client;
    }

    /** Compiles {@code attempt}'s source now, or after the compile under way; {@link RunAttempt#compiled} gets the result. */
    void request(RunAttempt attempt) {
        synchronized (this) {
            if (compiling != null) {
                next = attempt; // an earlier waiting run, if any, was replaced: it is not compiled
                return;
            }
            compiling = attempt;
        }
        start(attempt);
    }

    private void start(RunAttempt attempt) {
        CompletableFuture<CompileResult> result;
        try {
            result = CompletableFuture.supplyAsync(this::targetKernel, workers)
                    .thenCompose(target -> compiler.compile(attempt.source(), target, client));
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((compiled, failure) -> {
            try {
                attempt.compiled(compiled, failure);
            } finally {
                startNext();
            }
        });
    }

    /** The sandbox backend's kernel; waits while a VM backend prepares its image. */
    private TargetKernel targetKernel() {
        try {
            return backend.targetKernel();
        } catch (SandboxException e) {
            throw new CompletionException(new CompileException(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(new CompileException("the server is shutting down"));
        }
    }

    private void startNext() {
        RunAttempt waiting;
        synchronized (this) {
            waiting = next;
            next = null;
            if (waiting != null && waiting.finished) {
                waiting = null; // stopped while it waited: nothing to compile
            }
            compiling = waiting;
        }
        if (waiting != null) {
            start(waiting);
        }
    }
}
