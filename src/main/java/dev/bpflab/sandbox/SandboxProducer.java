package dev.bpflab.sandbox;

import dev.bpflab.sandbox.local.LocalBackend;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Picks the sandbox backend named by {@code bpflab.sandbox.backend} from a dispatch table, once, at start-up
 * (so warm agents or VMs are ready before the first Run).
 */
@ApplicationScoped
public class SandboxProducer {

    /** Builds a backend from the settings; one entry per isolation technique. */
    interface Factory {
        SandboxBackend create(SandboxSettings settings) throws SandboxException;
    }

    private static final Map<String, Factory> BACKENDS = new TreeMap<>(Map.of(
            "local", s -> new LocalBackend(s.agentJar(), s.agentEnvironment(), s.localWarmAgents(), s.maxLive())));

    @ConfigProperty(name = "bpflab.sandbox.backend", defaultValue = "local")
    String backendName;
    @ConfigProperty(name = "bpflab.agent.jar", defaultValue = "target/bpflab-agent.jar")
    Path agentJar;
    @ConfigProperty(name = "bpflab.cache-dir", defaultValue = "/var/cache/bpflab")
    Path cacheDir;
    @ConfigProperty(name = "bpflab.sandbox.max-live", defaultValue = "8")
    int maxLive;
    @ConfigProperty(name = "bpflab.local.warm-agents", defaultValue = "1")
    int localWarmAgents;

    private SandboxBackend backend;

    @Produces
    @ApplicationScoped
    @Startup
    SandboxBackend backend() {
        Factory factory = BACKENDS.get(backendName);
        if (factory == null) {
            return new UnavailableBackend(backendName, "unknown sandbox backend '" + backendName
                    + "' in bpflab.sandbox.backend; choose one of " + BACKENDS.keySet());
        }
        SandboxSettings settings = new SandboxSettings(agentJar, Map.of("BPFLAB_CACHE", cacheDir.toString()),
                localWarmAgents, maxLive);
        try {
            backend = factory.create(settings);
            return backend;
        } catch (SandboxException e) {
            return new UnavailableBackend(backendName, e.getMessage());
        }
    }

    @PreDestroy
    void close() {
        if (backend != null) {
            backend.close();
        }
    }
}
