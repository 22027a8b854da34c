package dev.bpflab.runs;

import dev.bpflab.sandbox.qemu.QemuProfile;
import dev.bpflab.testing.VmTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The Instructions tab's data for the Debian guest's kernel: compiled on the host against its headers. */
@QuarkusTest
@TestProfile(QemuProfile.class)
@VmTest
class QemuInstructionsTest extends InstructionsContract {
}
