package dev.bpflab.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

/** The vmlinux.h / PCH cache follows the compiler that will read it, not the path it is installed at. */
@Tag("kernel") // clang, libbpf and (for loads) root on this machine: left out by ./mvnw -Pfast
class KernelHeadersTest {
    private static final String KERNEL = "6.1.0-test";
    private static final String BUILD = "#1 SMP PREEMPT_DYNAMIC Debian 6.1.1-1 btf 5520272";
    private static final String CLANG_14 = "Debian clang version 14.0.6\nTarget: x86_64-pc-linux-gnu\nThread model: posix\n"
            + "InstalledDir: /usr/lib/llvm-14/bin";

    @Test
    void theKeyChangesWithEachThingTheFilesDependOn() {
        String key = KernelHeaders.cacheKey(KERNEL, BUILD, CLANG_14, ClangCompiler.FLAGS);
        assertEquals(key, KernelHeaders.cacheKey(KERNEL, BUILD, CLANG_14, ClangCompiler.FLAGS), "stable");
        assertTrue(key.matches("6\\.1\\.0-test-[0-9a-f]{16}"), key);
        assertNotEquals(key, KernelHeaders.cacheKey(KERNEL, BUILD, CLANG_14.replace("14.0.6", "14.0.7"),
                ClangCompiler.FLAGS), "a clang upgraded in place (same directory, new version)");
        assertNotEquals(key, KernelHeaders.cacheKey(KERNEL, BUILD.replace("6.1.1-1", "6.1.1-2"), CLANG_14,
                ClangCompiler.FLAGS), "a rebuilt kernel with the same release");
        assertNotEquals(key, KernelHeaders.cacheKey(KERNEL, BUILD, CLANG_14, List.of("-target", "bpf", "-O1")),
                "other flags");
    }

    /**
     * The first compile for a kernel makes its headers and PCH through the jail (as the jail's user, who must be
     * able to read them); later ones, in this process or the next, find them.
     */
    @Test
    void theHeadersAndPchAreMadeOnceAndFoundAgain(@TempDir Path tmp) throws Exception {
        Path cache = Compiles.readableByTheJail(tmp).resolve("cache");
        Jail jail = Jail.create(CompileLimits.defaults());
        KernelHeaders made = KernelHeaders.prepare(cache, jail, ClangCompiler.FLAGS, Compiles.RUNNING);
        assertTrue(made.hasPch(), "the PCH was built in the jail");
        assertTrue(Files.size(made.dir().resolve(KernelHeaders.VMLINUX_H)) > 100_000, "vmlinux.h from this kernel's BTF");
        var pchTime = Files.getLastModifiedTime(made.dir().resolve(KernelHeaders.PCH));

        KernelHeaders again = KernelHeaders.prepare(cache, Jail.create(CompileLimits.defaults()), ClangCompiler.FLAGS,
                Compiles.RUNNING);
        assertEquals(made.dir(), again.dir());
        assertEquals(pchTime, Files.getLastModifiedTime(again.dir().resolve(KernelHeaders.PCH)), "not rebuilt");
        assertTrue(made.dir().getFileName().toString().startsWith(Compiles.RUNNING.release() + "-"));
    }
}
