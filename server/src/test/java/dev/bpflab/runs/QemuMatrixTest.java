package dev.bpflab.runs;

import dev.bpflab.sandbox.qemu.QemuProfile;
import dev.bpflab.testing.VmTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;

/** Run on all kernels against the qemu backend: Debian 12's 6.1 and Debian 13's 6.12, a row each. */
@QuarkusTest
@TestProfile(QemuProfile.class)
@VmTest
class QemuMatrixTest extends MatrixContract {
    /** The matrix runs on the ready kernels only: these tests want both, so they wait for Debian 13's first build. */
    @BeforeEach
    void everyKernelIsReady() throws Exception {
        KernelsReady.await(backend);
    }
}
