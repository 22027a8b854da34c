package dev.bpflab.runs;

import dev.bpflab.testing.KernelTest;
import io.quarkus.test.junit.QuarkusTest;

/** The Instructions tab's data for this machine's kernel (the local backend's sandboxes run on it). */
@QuarkusTest
@KernelTest
class LocalInstructionsTest extends InstructionsContract {
}
