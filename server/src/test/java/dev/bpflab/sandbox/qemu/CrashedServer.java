package dev.bpflab.sandbox.qemu;

import dev.bpflab.testing.Compilers;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A stand-in server for {@link QemuLifecycleTest}: starts the qemu backend in {@code args[0]}, takes one VM, says
 * "serving" and waits to be killed with SIGKILL.
 */
public final class CrashedServer {
    private CrashedServer() {
    }

    public static void main(String[] args) throws Exception {
        QemuBackend backend = new QemuBackend(QemuSettings.defaults().withRunDir(Path.of(args[0])).withPoolSize(2), Compilers.host());
        backend.awaitReady(Duration.ofMinutes(15));
        backend.acquire(position -> { });
        while (backend.pooled() < 2) {
            Thread.sleep(50);
        }
        System.out.println("serving " + backend.qemuProcesses());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
