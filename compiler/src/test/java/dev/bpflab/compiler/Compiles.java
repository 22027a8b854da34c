package dev.bpflab.compiler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** What the compiler tests share: the running kernel as target, and directories the jail's user can read. */
final class Compiles {
    static final TargetKernel RUNNING = TargetKernel.running();

    private Compiles() {
    }

    /**
     * A directory under JUnit's {@code @TempDir} (mode 0700, owned by the test's user) that the jail's unprivileged
     * user can reach: bubblewrap mounts the headers from there as that user.
     */
    static Path readableByTheJail(Path tempDir) throws IOException {
        Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return tempDir;
    }
}
