package dev.bpflab.lessons;

import io.quarkus.test.junit.QuarkusTest;
import java.util.Set;
import dev.bpflab.testing.KernelTest;

/** The lessons on this machine's kernel (local backend): LSM and fentry lessons must be refused with the reason. */
@QuarkusTest
@KernelTest
class LocalLessonsTest extends LessonsContract {

    @Override
    protected Set<String> supportedFeatures() {
        return Set.of("xdp");
    }
}
