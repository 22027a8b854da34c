package dev.bpflab.sandbox;

import dev.bpflab.compiler.HostCompiler;
import dev.bpflab.sandbox.local.LocalBackend;
import dev.bpflab.sandbox.qemu.QemuBackend;
import dev.bpflab.sandbox.qemu.QemuSettings;
import java.nio.file.Files;
import java.time.Duration;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
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

    private final Map<String, Factory> backends = new TreeMap<>(Map.of(
            "local", s -> new LocalBackend(s.agentJar(), s.agentEnvironment(), s.localWarmAgents(), s.maxLive()),
            "qemu", this::qemu));

    @ConfigProperty(name = "bpflab.sandbox.backend", defaultValue = "local")
    String backendName;
    @ConfigProperty(name = "bpflab.agent.jar", defaultValue = "agent/target/bpflab-agent.jar")
    Path agentJar;
    @ConfigProperty(name = "bpflab.sandbox.max-live", defaultValue = "8")
    int maxLive;
    @ConfigProperty(name = "bpflab.local.warm-agents", defaultValue = "1")
    int localWarmAgents;

    @ConfigProperty(name = "bpflab.qemu.accel", defaultValue = "auto")
    String qemuAccel;
    @ConfigProperty(name = "bpflab.qemu.guest-dir", defaultValue = "/var/cache/bpflab-guest")
    Path qemuGuestDir;
    @ConfigProperty(name = "bpflab.qemu.run-dir", defaultValue = "/run/bpflab-qemu")
    Path qemuRunDir;
    @ConfigProperty(name = "bpflab.qemu.image-builder", defaultValue = "server/src/main/guest/build-image.sh")
    Path qemuImageBuilder;
    @ConfigProperty(name = "bpflab.qemu.pool-size", defaultValue = "2")
    int qemuPoolSize;
    @ConfigProperty(name = "bpflab.qemu.memory-mib", defaultValue = "768")
    int qemuMemoryMiB;
    @ConfigProperty(name = "bpflab.run.max-timeout-seconds", defaultValue = "1800")
    int maxRunSeconds;

    @Inject
    HostCompiler compiler;

    private SandboxBackend backend;

    /**
     * A disposable VM per run. The image is (re)built at start-up when its builder script is there (a source
     * checkout); an installed host points {@code bpflab.qemu.image-builder} at nothing and uses the image as built.
     */
    private SandboxBackend qemu(SandboxSettings s) throws SandboxException {
        QemuSettings settings = QemuSettings.defaults().withAccel(qemuAccel).withGuestDir(qemuGuestDir)
                .withRunDir(qemuRunDir).withPoolSize(qemuPoolSize).withMaxLive(s.maxLive()).withMemoryMiB(qemuMemoryMiB)
                .withMaxRunTime(Duration.ofSeconds(maxRunSeconds + 60L));
        if (Files.isRegularFile(qemuImageBuilder)) {
            settings = settings.withImageBuilder(qemuImageBuilder, s.agentJar().toAbsolutePath().getParent());
        }
        return new QemuBackend(settings, compiler);
    }

    @Produces
    @ApplicationScoped
    @Startup
    SandboxBackend backend() {
        Factory factory = backends.get(backendName);
        if (factory == null) {
            return new UnavailableBackend(backendName, "unknown sandbox backend '" + backendName
                    + "' in bpflab.sandbox.backend; choose one of " + backends.keySet());
        }
        SandboxSettings settings = new SandboxSettings(agentJar, Map.of(), localWarmAgents, maxLive);
        try {
            backend = factory.create(settings);
            return backend;
        } catch (SandboxException | IllegalArgumentException e) { // bad settings say which one
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
