package dev.bpflab.testing;

import dev.bpflab.sandbox.SandboxBackend;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every contract run against a real sandbox backend shares: the server's root, its backend, and waiting until
 * that backend is ready. Each contract (run loop, templates, lessons, iterators, probes, wild programs) extends this,
 * and each backend's test class extends the contract with its own Quarkus profile.
 */
public abstract class SandboxContract {
    @TestHTTPResource("/")
    protected URI root;

    @Inject
    protected SandboxBackend backend;

    /** A VM backend builds its image and boots its saved VM once per machine: that is not what these tests time. */
    @BeforeEach
    void backendIsReady() throws Exception {
        backend.awaitReady(Duration.ofMinutes(15));
    }

    /** A /ws/run client of this server. */
    protected RunClient client() {
        return new RunClient(root);
    }
}
