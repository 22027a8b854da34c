package dev.bpflab.runs;

import io.quarkus.test.junit.QuarkusTest;

/** The run contract against the local backend: the agent as a child process on this machine's kernel. */
@QuarkusTest
class LocalRunLoopTest extends RunLoopContract {
}
