package dev.bpflab.sandbox.qemu;

import dev.bpflab.testing.Compilers;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A stand-in server for {@link QemuImageBuildTest}: starts the qemu backend with guest directory {@code args[0]} and
 * run directory {@code args[1]}, so that it builds the image there, and waits to be killed with SIGKILL.
 */
public final class BuildingServer {
    private BuildingServer() {
    }

    public static void main(String[] args) throws Exception {
        QemuBackend backend = new QemuBackend(QemuBackendTest.settings(Path.of(args[1])).withGuestDir(Path.of(args[0]))
                .withPoolSize(0), Compilers.host());
        backend.awaitReady(Duration.ofMinutes(30));
        Thread.sleep(Long.MAX_VALUE);
    }
}
