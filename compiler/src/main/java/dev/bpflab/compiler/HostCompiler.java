package dev.bpflab.compiler;

import dev.bpflab.support.threads.RoundRobinExecutor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Compiles learners' programs on this host for the kernel that will run them: one jail, the headers of each target
 * kernel (prepared once, {@link KernelHeaders}), a {@link CompileCache}, and a fixed number of compiles at once
 * (the rest wait their turn: clients take turns, first come first served within a client's compiles,
 * {@link RoundRobinExecutor}). Thread-safe; {@link #close()} stops the compile threads.
 *
 * <pre>{@code
 * HostCompiler compiler = new HostCompiler(Path.of("/var/cache/bpflab"), CompileLimits.defaults(), 2, 256 << 20, o -> {});
 * CompileResult result = compiler.compile(source, TargetKernel.running()).join();
 * }</pre>
 */
public final class HostCompiler implements AutoCloseable {
    private final Path cacheRoot;
    private final CompileLimits limits;
    private final RoundRobinExecutor compiles;
    /** Preparing the jail and a kernel's headers: a client of the compile threads of its own. */
    private final Executor preparing;
    private final CompileCache cache;
    private final Map<TargetKernel, CompletableFuture<ClangCompiler>> compilers = new ConcurrentHashMap<>();
    /** One jail per toolchain: this host's (key null), and each guest image's toolchain root. */
    private final Map<Path, CompletableFuture<Jail>> jails = new java.util.HashMap<>(); // guarded by this

    /**
     * @param cacheRoot   where headers ({@code headers/}), cached results ({@code objects/}) and work directories
     *                    ({@code work/PID/}; what servers no longer running left there is removed now) live; must be
     *                    writable
     * @param concurrency compiles at once, at least 1
     * @param cacheBytes  the most the cache of results keeps on disk
     * @param listener    told how each compile request was answered (metrics)
     * @throws IOException the cache directory cannot be created, or the jail's user could not reach it
     */
    public HostCompiler(Path cacheRoot, CompileLimits limits, int concurrency, long cacheBytes,
            CompileCache.Listener listener) throws IOException {
        if (concurrency < 1) {
            throw new IllegalArgumentException("at least one compile at a time, not " + concurrency);
        }
        try {
            Jail.checkReachable(cacheRoot);
        } catch (CompileException e) {
            throw new IOException(e.getMessage(), e);
        }
        this.cacheRoot = cacheRoot;
        this.limits = limits;
        WorkDirs.removeAbandoned(cacheRoot); // what killed servers' compiles left: learners' sources
        this.cache = new CompileCache(cacheRoot.resolve("objects"), cacheBytes, listener);
        this.compiles = new RoundRobinExecutor(concurrency, "compile");
        this.preparing = compiles.forClient("preparing the compiler");
    }

    /**
     * Compiles {@code source} for {@code target}, or answers from the cache. Completes with the result (failed
     * compiles included) or exceptionally with a {@link CompileException} when clang cannot run at all. An object
     * that calls a helper the lab refuses ({@link ForbiddenHelpers}) comes back as a failed compile whose diagnostics
     * say why; that check runs on every answer, cached ones too.
     */
    public CompletableFuture<CompileResult> compile(String source, TargetKernel target) {
        return compile(source, target, null);
    }

    /**
     * As {@link #compile(String, TargetKernel)}, for {@code client}: when compiles wait for a compile thread, clients
     * take turns (equal values are one client; null, a client of its own), so one client's many compiles do not keep
     * another's waiting.
     */
    public CompletableFuture<CompileResult> compile(String source, TargetKernel target, Object client) {
        return compile(source, target, client, clangDone -> {
        });
    }

    /**
     * As {@link #compile(String, TargetKernel, Object)}; when this request runs clang (not answered from the cache or
     * by an identical compile in flight), {@code clangDone} is told clang's checked result on the compile thread as
     * soon as clang succeeds, before the minimal CO-RE BTF and the listing are made ({@link ClangCompiler#compile(
     * String, java.util.function.Consumer)}): enough for diagnostics, not for a run.
     */
    public CompletableFuture<CompileResult> compile(String source, TargetKernel target, Object client,
            Consumer<CompileResult> clangDone) {
        Executor turns = compiles.forClient(client);
        return compilerFor(target).thenCompose(compiler -> cache.get(key(compiler, source),
                () -> CompletableFuture.supplyAsync(() -> {
                    try {
                        return compiler.compile(source, early -> clangDone.accept(ForbiddenHelpers.enforce(early)));
                    } catch (CompileException e) {
                        throw new CompletionException(e);
                    }
                }, turns))).thenApply(ForbiddenHelpers::enforce);
    }

    /** As {@link #compile}, waiting for the result. */
    public CompileResult compileNow(String source, TargetKernel target) throws CompileException, InterruptedException {
        try {
            return compile(source, target).get();
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    /** The cache of results (its size, for metrics). */
    public CompileCache cache() {
        return cache;
    }

    /** The cache key: a SHA-256 of the source and of everything else that decides the result. */
    static String key(ClangCompiler compiler, String source) {
        return KernelHeaders.sha256(compiler.identity() + "\n\n" + source);
    }

    /** The compiler for {@code target}, its headers prepared on first use (on a compile thread); retried after a failure. */
    private synchronized CompletableFuture<ClangCompiler> compilerFor(TargetKernel target) {
        CompletableFuture<ClangCompiler> existing = compilers.get(target);
        if (existing != null && !existing.isCompletedExceptionally()) {
            return existing;
        }
        CompletableFuture<ClangCompiler> made = jail(target.toolchain()).thenApplyAsync(j -> {
            try {
                return new ClangCompiler(j, KernelHeaders.prepare(cacheRoot, j, ClangCompiler.FLAGS, target),
                        WorkDirs.ofThisProcess(cacheRoot));
            } catch (CompileException e) {
                throw new CompletionException(e);
            }
        }, preparing);
        compilers.put(target, made);
        return made;
    }

    /**
     * The jail that runs {@code toolchain}'s compiler (null: this host's), made on first use and again after a
     * failure. Called with this object's lock held (from {@link #compilerFor}).
     */
    private CompletableFuture<Jail> jail(Path toolchain) {
        CompletableFuture<Jail> jail = jails.get(toolchain);
        if (jail == null || jail.isCompletedExceptionally()) {
            jail = CompletableFuture.supplyAsync(() -> {
                try {
                    return toolchain == null ? Jail.create(limits) : Jail.forToolchain(toolchain, limits);
                } catch (CompileException e) {
                    throw new CompletionException(e);
                }
            }, preparing);
            jails.put(toolchain, jail);
        }
        return jail;
    }

    /** The {@link CompileException} (or other cause) inside a failed compile's future. */
    public static CompileException unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof CompileException compile ? compile
                : new CompileException("the compiler failed unexpectedly: " + cause.getMessage());
    }

    @Override
    public void close() {
        compiles.close();
    }
}
