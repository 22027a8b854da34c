package dev.bpflab.runs;

import dev.bpflab.testing.KernelTest;
import io.quarkus.test.junit.QuarkusTest;

/** Pods made on this machine (as root, in its cgroup v2 hierarchy, /sys/fs/cgroup or its unified mount). */
@QuarkusTest
@KernelTest
class LocalPodsTest extends PodsContract {
}
