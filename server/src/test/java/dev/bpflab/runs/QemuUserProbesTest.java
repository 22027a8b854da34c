package dev.bpflab.runs;

import dev.bpflab.sandbox.qemu.QemuProfile;
import dev.bpflab.testing.VmTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Uprobes in the Debian guest, against the demo program its image carries. */
@QuarkusTest
@TestProfile(QemuProfile.class)
@VmTest
class QemuUserProbesTest extends UserProbesContract {
}
