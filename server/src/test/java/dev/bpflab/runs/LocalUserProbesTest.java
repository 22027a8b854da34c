package dev.bpflab.runs;

import dev.bpflab.testing.KernelTest;
import io.quarkus.test.junit.QuarkusTest;

/** Uprobes on this machine's kernel (its lockdown refuses kprobes, not uprobes); bin/install-deps builds the demo. */
@QuarkusTest
@KernelTest
class LocalUserProbesTest extends UserProbesContract {
}
