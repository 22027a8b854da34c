package dev.bpflab.runs;

import dev.bpflab.sandbox.qemu.QemuProfile;
import dev.bpflab.testing.VmTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** After load in the Debian guest (6.1), through the VM's serial line. */
@QuarkusTest
@TestProfile(QemuProfile.class)
@VmTest
class QemuLoadedProgramsTest extends LoadedProgramsContract {
}
