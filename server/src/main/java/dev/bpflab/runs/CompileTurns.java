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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One connection's compiles of one kind (its runs, or its compile-only requests), one at a time: a request made while
 * an earlier one still compiles waits for that compile to end, and only the newest such request is compiled next.
 * Requests replaced (or {@code dropped}) meanwhile are never compiled, so a burst of Run or compile messages costs the
 * host's compilers two compiles, not one per message.
 *
 * @param <T> a request: a {@link RunAttempt}, or a compile-only message
 */
final class CompileTurns<T> {
    private final SandboxBackend backend;
    private final HostCompiler compiler;
    private final Executor workers;
    private final Object client;
    private final Function<T, String> source;
    private final Function<T, String> kernel;
    private final Predicate<T> dropped;
    private final BiConsumer<T, Outcome> done;
    private final BiConsumer<T, CompileResult> clangDone; // null: nobody is told early, and a turn is the whole compile
    private T compiling; // guarded by this
    private T next; // guarded by this

    /** How a request's compile ended: a result, or (with a null result) why clang could not run. */
    record Outcome(CompileResult result, Throwable failure) {
    }

    /**
     * Compiles for the {@code kernel} each request names (null: the default) of {@code backend} with {@code compiler};
     * {@code workers} wait for that kernel. {@code client}
     * is whose compiles these are: the host's compile threads go to clients in turns. A request that is
     * {@code dropped} (stopped) by the time its turn comes is not compiled; {@code done} is told each compile's outcome.
     */
    CompileTurns(SandboxBackend backend, HostCompiler compiler, Executor workers, Object client,
            Function<T, String> source, Function<T, String> kernel, Predicate<T> dropped, BiConsumer<T, Outcome> done) {
        this(backend, compiler, workers, client, source, kernel, dropped, done, null);
    }

    /**
     * As the other constructor; {@code clangDone} is also told clang's result as soon as clang succeeds, when the
     * request runs clang ({@link HostCompiler#compile(String, TargetKernel, Object, java.util.function.Consumer)}),
     * before {@code done} gets the whole outcome; the next request's compile may then start (null: none is told, and
     * a turn lasts the whole compile).
     */
    CompileTurns(SandboxBackend backend, HostCompiler compiler, Executor workers, Object client,
            Function<T, String> source, Function<T, String> kernel, Predicate<T> dropped, BiConsumer<T, Outcome> done,
            BiConsumer<T, CompileResult> clangDone) {
        this.kernel = kernel;
        this.clangDone = clangDone;
        this.backend = backend;
        this.compiler = compiler;
        this.workers = workers;
        this.client = client;
        this.source = source;
        this.dropped = dropped;
        this.done = done;
    }

    /** Compiles {@code request}'s source now, or after the compile under way; {@code done} gets the outcome. */
    void request(T request) {
        synchronized (this) {
            if (compiling != null) {
                next = request; // an earlier waiting request, if any, was replaced: it is not compiled
                return;
            }
            compiling = request;
        }
        start(request);
    }

    /** The waiting request, if any, is not compiled (the connection closed). */
    synchronized void dropWaiting() {
        next = null;
    }

    private void start(T request) {
        // The turn ends when the compile does, or, for requests told early, once clang has answered: the next request
        // then need not wait for the previous one's listing and CO-RE BTF (a few hundred milliseconds of jails).
        AtomicBoolean turnOver = new AtomicBoolean();
        Runnable endTurn = () -> {
            if (turnOver.compareAndSet(false, true)) {
                startNext();
            }
        };
        CompletableFuture<CompileResult> result;
        try {
            result = CompletableFuture.supplyAsync(() -> targetKernel(kernel.apply(request)), workers)
                    .thenCompose(target -> compiler.compile(source.apply(request), target, client, early -> {
                        if (clangDone != null) {
                            clangDone.accept(request, early);
                            endTurn.run();
                        }
                    }));
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((compiled, failure) -> {
            try {
                done.accept(request, new Outcome(compiled, failure));
            } finally {
                endTurn.run();
            }
        });
    }

    /** The sandbox backend's {@code kernel} (null: the default); waits while a VM backend prepares its image. */
    private TargetKernel targetKernel(String kernel) {
        return targetOf(backend, kernel);
    }

    /**
     * {@code backend}'s {@code kernel} to compile for, waiting while it prepares; for a compile's future, so a backend
     * that cannot give one fails the compile with its reason (a {@link CompileException} inside).
     */
    static TargetKernel targetOf(dev.bpflab.sandbox.SandboxBackend backend, String kernel) {
        try {
            return backend.targetKernel(kernel);
        } catch (SandboxException e) {
            throw new CompletionException(new CompileException(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(new CompileException("the server is shutting down"));
        }
    }

    private void startNext() {
        T waiting;
        synchronized (this) {
            waiting = next;
            next = null;
            if (waiting != null && dropped.test(waiting)) {
                waiting = null; // stopped while it waited: nothing to compile
            }
            compiling = waiting;
        }
        if (waiting != null) {
            start(waiting);
        }
    }
}
