package dev.bpflab.runs;

import dev.bpflab.testing.KernelTest;
import io.quarkus.test.junit.QuarkusTest;

/** After load on this machine's kernel. */
@QuarkusTest
@KernelTest
class LocalLoadedProgramsTest extends LoadedProgramsContract {
}
