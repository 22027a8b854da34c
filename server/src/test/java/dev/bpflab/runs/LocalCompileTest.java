package dev.bpflab.runs;

import dev.bpflab.testing.KernelTest;
import io.quarkus.test.junit.QuarkusTest;

/** Errors as you type for this machine's kernel (the local backend's sandboxes run on it). */
@QuarkusTest
@KernelTest
class LocalCompileTest extends CompileContract {
}
