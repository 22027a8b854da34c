package dev.bpflab.runs;

import dev.bpflab.sandbox.qemu.QemuProfile;
import dev.bpflab.testing.VmTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Pods in the Debian guest: its kernel is the "node" both pods share. */
@QuarkusTest
@TestProfile(QemuProfile.class)
@VmTest
class QemuPodsTest extends PodsContract {
}
