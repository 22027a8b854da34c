package dev.bpflab.runs;

import dev.bpflab.sandbox.Kernel;
import dev.bpflab.sandbox.Preparation;
import dev.bpflab.sandbox.SandboxBackend;
import java.time.Duration;

/** Waits until every kernel of a backend is prepared: the qemu backend builds all but the default after it is ready. */
final class KernelsReady {
    private static final Duration PREPARING = Duration.ofMinutes(20);

    private KernelsReady() {
    }

    static void await(SandboxBackend backend) throws InterruptedException {
        long deadline = System.nanoTime() + PREPARING.toNanos();
        for (Kernel kernel : backend.kernels()) {
            while (backend.preparation(kernel.id()).status().state() != Preparation.State.READY) {
                if (backend.preparation(kernel.id()).status().state() == Preparation.State.FAILED) {
                    throw new AssertionError("kernel " + kernel.id() + " failed: "
                            + backend.preparation(kernel.id()).status().problem());
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("kernel " + kernel.id() + " not ready within " + PREPARING.toMinutes()
                            + " min: " + backend.status());
                }
                Thread.sleep(500);
            }
        }
    }
}
