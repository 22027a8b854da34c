package dev.bpflab.runs;

import dev.bpflab.sandbox.qemu.QemuProfile;
import dev.bpflab.testing.VmTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Errors as you type for the Debian guest's kernel: compiled on the host against its headers (only the run beside one takes a VM). */
@QuarkusTest
@TestProfile(QemuProfile.class)
@VmTest
class QemuCompileTest extends CompileContract {
}
