package dev.bpflab.agent.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.bpflab.support.process.Executables;
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
        String key = KernelHeaders.cacheKey(KERNEL, BUILD, CLANG_14, true, ClangCompiler.FLAGS);
        assertEquals(key, KernelHeaders.cacheKey(KERNEL, BUILD, CLANG_14, true, ClangCompiler.FLAGS), "stable");
        assertTrue(key.matches("6\\.1\\.0-test-[0-9a-f]{16}"), key);
        assertNotEquals(key, KernelHeaders.cacheKey(KERNEL, BUILD, CLANG_14.replace("14.0.6", "14.0.7"), true,
                ClangCompiler.FLAGS), "a clang upgraded in place (same directory, new version)");
        assertNotEquals(key, KernelHeaders.cacheKey(KERNEL, BUILD.replace("6.1.1-1", "6.1.1-2"), CLANG_14, true,
                ClangCompiler.FLAGS), "a rebuilt kernel with the same release");
        assertNotEquals(key, KernelHeaders.cacheKey(KERNEL, BUILD, CLANG_14, false, ClangCompiler.FLAGS), "jailed or not");
        assertNotEquals(key, KernelHeaders.cacheKey(KERNEL, BUILD, CLANG_14, true, List.of("-target", "bpf", "-O1")),
                "other flags");
    }

    /**
     * A clang replaced in place by another version (same path, as a package upgrade does): the PCH the old one built
     * is not handed to the new one, which would refuse it and fail every compile.
     */
    @Test
    void aPchFromAnotherClangVersionAtTheSamePathIsNotReused(@TempDir Path dir) throws Exception {
        Path realClang = Executables.find("clang").orElseThrow().toRealPath();
        Path clang = dir.resolve("bin/clang");
        Files.createDirectories(clang.getParent());
        Path cache = dir.resolve("cache");

        installClangReporting(clang, realClang, "99.0.1");
        Jail before = Jail.create("none", clang);
        assertTrue(before.clangVersion().contains("99.0.1"), before.clangVersion());
        KernelHeaders old = KernelHeaders.prepare(cache, before, ClangCompiler.FLAGS);
        assertTrue(old.hasPch(), "the first prepare builds the PCH");
        long oldPchSize = Files.size(old.dir().resolve(KernelHeaders.PCH));

        installClangReporting(clang, realClang, "99.0.2");
        Jail after = Jail.create("none", clang);
        KernelHeaders fresh = KernelHeaders.prepare(cache, after, ClangCompiler.FLAGS);
        assertNotEquals(old.dir(), fresh.dir(), "the upgraded clang gets its own cache directory");
        assertTrue(fresh.hasPch() && Files.isRegularFile(fresh.dir().resolve(KernelHeaders.VMLINUX_H)),
                "with a PCH built for it");
        assertEquals(oldPchSize, Files.size(old.dir().resolve(KernelHeaders.PCH)), "the old one is left alone");
        assertEquals(fresh.dir(), KernelHeaders.prepare(cache, Jail.create("none", clang), ClangCompiler.FLAGS).dir(),
                "and the same clang finds it again");
    }

    /** A clang at a fixed path that builds with the real compiler but says it is version {@code version}. */
    private static void installClangReporting(Path at, Path realClang, String version) throws Exception {
        Path next = at.resolveSibling("clang.next");
        Files.writeString(next, "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'clang version " + version
                + "'; exit 0; fi\nexec '" + realClang + "' \"$@\"\n");
        Files.setPosixFilePermissions(next, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(next, at, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
