package dev.bpflab.catalog;

import io.quarkus.test.junit.QuarkusTest;
import java.util.Set;

/**
 * The templates on this machine's kernel through the local backend. A kernel in lockdown refuses LSM and
 * fentry/fexit programs; those runs must fail with that reason (the qemu backend's guest kernel runs them).
 */
@QuarkusTest
class LocalTemplatesTest extends TemplatesContract {

    @Override
    protected Set<String> supportedFeatures() {
        return Set.of("xdp");
    }
}
