package dev.bpflab.runs;

import dev.bpflab.sandbox.qemu.QemuProfile;
import dev.bpflab.testing.VmTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Map writes in the Debian guest, through the VM's serial line. */
@QuarkusTest
@TestProfile(QemuProfile.class)
@VmTest
class QemuMapWritesTest extends MapWritesContract {
}
