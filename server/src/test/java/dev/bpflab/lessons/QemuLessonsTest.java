package dev.bpflab.lessons;

import dev.bpflab.sandbox.qemu.QemuProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.Set;
import dev.bpflab.testing.VmTest;

/** Every lesson, nothing skipped, each run in its own VM: the guest's kernel runs the LSM lessons too. */
@QuarkusTest
@TestProfile(QemuProfile.class)
@VmTest
class QemuLessonsTest extends LessonsContract {

    @Override
    protected Set<String> supportedFeatures() {
        return Set.of("xdp", "lsm", "fentry");
    }
}
