package dev.bpflab.limits;

import dev.bpflab.sandbox.SandboxBackend;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import java.net.URI;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every hostile-client test class has: the server's root, its backend and the client budgets, and a server with
 * nothing live or waiting before each test ({@link Hostile#awaitQuiet}). Subclasses say {@code @QuarkusTest} and
 * their profile ({@link HostileClientsProfile} or one built on it).
 */
abstract class HostileClientTest {
    @TestHTTPResource("/")
    URI root;
    @Inject
    SandboxBackend backend;
    @Inject
    ClientLimits limits;

    @BeforeEach
    void quiet() throws InterruptedException {
        Hostile.awaitQuiet(backend);
    }
}
