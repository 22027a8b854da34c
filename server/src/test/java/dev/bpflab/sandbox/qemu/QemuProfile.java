package dev.bpflab.sandbox.qemu;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The server with the qemu backend: every run in a disposable VM restored from the saved VM of its kernel, Debian 12's
 * (the default) or Debian 13's.
 */
public class QemuProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("bpflab.sandbox.backend", "qemu",
                "bpflab.qemu.run-dir", "/run/bpflab-qemu-qt",
                "bpflab.qemu.pool-size", "2",
                "bpflab.sandbox.max-live", "4",
                "bpflab.qemu.kernels", "debian12,debian13",
                "bpflab.qemu.extra-kernel-pool-size", "1");
    }
}
