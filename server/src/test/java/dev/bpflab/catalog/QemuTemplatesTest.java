package dev.bpflab.catalog;

import dev.bpflab.sandbox.qemu.QemuProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.Set;
import dev.bpflab.testing.VmTest;

/** All templates, nothing skipped: the guest's Debian kernel runs XDP, LSM (bpf in lsm=) and fentry programs. */
@QuarkusTest
@TestProfile(QemuProfile.class)
@VmTest
class QemuTemplatesTest extends TemplatesContract {

    @Override
    protected Set<String> supportedFeatures() {
        return Set.of("xdp", "lsm", "fentry");
    }
}
