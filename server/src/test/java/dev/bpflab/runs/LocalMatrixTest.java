package dev.bpflab.runs;

import dev.bpflab.testing.KernelTest;
import io.quarkus.test.junit.QuarkusTest;

/** "Run on all kernels" on the local backend: its one kernel, this machine's. */
@QuarkusTest
@KernelTest
class LocalMatrixTest extends MatrixContract {
}
