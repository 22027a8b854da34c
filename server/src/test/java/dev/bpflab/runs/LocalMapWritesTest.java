package dev.bpflab.runs;

import dev.bpflab.testing.KernelTest;
import io.quarkus.test.junit.QuarkusTest;

/** Map writes on this machine's kernel (XDP on the lab's veth). */
@QuarkusTest
@KernelTest
class LocalMapWritesTest extends MapWritesContract {
}
