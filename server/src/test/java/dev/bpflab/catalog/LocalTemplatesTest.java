package dev.bpflab.catalog;

import io.quarkus.test.junit.QuarkusTest;
import java.util.Set;
import dev.bpflab.testing.KernelTest;

/**
 * The templates on this machine's kernel through the local backend. Its kernel is locked down, which refuses LSM
 * and fentry/fexit programs (EPERM): those runs must fail saying so. The qemu backend's guest kernel runs them.
 */
@QuarkusTest
@KernelTest
class LocalTemplatesTest extends TemplatesContract {

    @Override
    protected Set<String> supportedFeatures() {
        return Set.of("xdp");
    }
}
