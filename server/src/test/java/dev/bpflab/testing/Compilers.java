package dev.bpflab.testing;

import dev.bpflab.compiler.CompileException;
import dev.bpflab.compiler.CompileLimits;
import dev.bpflab.compiler.CompileResult;
import dev.bpflab.compiler.HostCompiler;
import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.sandbox.SandboxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The host compiler for tests that drive a backend without the server (the server has its own): the same jail,
 * limits and cache directory as a running bpflab.
 */
public final class Compilers {
    private static HostCompiler shared;

    private Compilers() {
    }

    /** One compiler for the whole test JVM, caching in /var/cache/bpflab like the server. */
    public static synchronized HostCompiler host() {
        if (shared == null) {
            try {
                shared = new HostCompiler(Path.of("/var/cache/bpflab"), CompileLimits.defaults(), 2, 64L << 20,
                        outcome -> { });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    /** {@code source} compiled for {@code backend}'s kernel; fails the test with clang's words if it does not compile. */
    public static byte[] objectFor(SandboxBackend backend, String source)
            throws SandboxException, CompileException, InterruptedException {
        return compiled(backend, source).object();
    }

    /** As {@link #objectFor}, with the minimal CO-RE BTF the server sends along with the object. */
    public static CompileResult compiled(SandboxBackend backend, String source)
            throws SandboxException, CompileException, InterruptedException {
        CompileResult result = host().compileNow(source, backend.targetKernel());
        if (!result.succeeded()) {
            throw new AssertionError("the test program does not compile: " + result.log());
        }
        return result;
    }
}
