package dev.bpflab.sandbox;

import dev.bpflab.compiler.HostCompiler;
import dev.bpflab.sandbox.local.LocalBackend;
import dev.bpflab.sandbox.qemu.QemuBackend;
import dev.bpflab.sandbox.qemu.QemuSettings;
import dev.bpflab.sandbox.qemu.VmIsolation;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Picks the sandbox backend named by {@code bpflab.sandbox.backend} from a dispatch table, once, at start-up
 * (so warm agents or VMs are ready before the first Run), and sizes it for this host ({@link Capacity}).
 */
@ApplicationScoped
public class SandboxProducer {
    private static final Logger LOG = Logger.getLogger(SandboxProducer.class);

    /** Builds a backend from the settings; one entry per isolation technique. */
    interface Factory {
        SandboxBackend create(SandboxSettings settings) throws SandboxException;
    }

    private final Map<String, Factory> backends = new TreeMap<>(Map.of(
            "local", this::local,
            "qemu", this::qemu));

    @ConfigProperty(name = "bpflab.sandbox.backend", defaultValue = "local")
    String backendName;
    @ConfigProperty(name = "bpflab.agent.jar", defaultValue = "agent/target/bpflab-agent.jar")
    Path agentJar;
    /** Unset: what the host's memory and cores allow ({@link Capacity}). */
    @ConfigProperty(name = "bpflab.sandbox.max-live")
    OptionalInt maxLive;
    @ConfigProperty(name = "bpflab.local.warm-agents", defaultValue = "1")
    int localWarmAgents;
    @ConfigProperty(name = "bpflab.sandbox.over-share-grace", defaultValue = "30s")
    Duration overShareGrace;

    @ConfigProperty(name = "bpflab.qemu.accel", defaultValue = "auto")
    String qemuAccel;
    @ConfigProperty(name = "bpflab.qemu.guest-dir", defaultValue = "/var/cache/bpflab-guest")
    Path qemuGuestDir;
    @ConfigProperty(name = "bpflab.qemu.run-dir", defaultValue = "/run/bpflab-qemu")
    Path qemuRunDir;
    @ConfigProperty(name = "bpflab.qemu.image-builder", defaultValue = "server/src/main/guest/build-image.sh")
    Path qemuImageBuilder;
    @ConfigProperty(name = "bpflab.qemu.pool-size")
    OptionalInt qemuPoolSize;
    /** The guest kernels runs may choose, the default first (ids of build-image.sh --kernel). */
    @ConfigProperty(name = "bpflab.qemu.kernels", defaultValue = "debian12,debian13")
    java.util.List<String> qemuKernels;
    /** Paused VMs kept for each kernel but the default. */
    @ConfigProperty(name = "bpflab.qemu.extra-kernel-pool-size", defaultValue = "1")
    int qemuExtraPoolSize;
    @ConfigProperty(name = "bpflab.qemu.restores-at-once")
    OptionalInt qemuRestoresAtOnce;
    @ConfigProperty(name = "bpflab.qemu.memory-mib", defaultValue = "768")
    int qemuMemoryMiB;
    @ConfigProperty(name = "bpflab.qemu.vm-uids", defaultValue = "64100-64199")
    String qemuVmUids;
    @ConfigProperty(name = "bpflab.qemu.cgroup", defaultValue = "auto")
    String qemuCgroup;
    @ConfigProperty(name = "bpflab.run.max-timeout-seconds", defaultValue = "1800")
    int maxRunSeconds;

    @Inject
    HostCompiler compiler;

    private SandboxBackend backend;
    private Capacity.Host host;

    /**
     * A disposable VM per run. The image is (re)built at start-up when its builder script is there (a source
     * checkout); an installed host points {@code bpflab.qemu.image-builder} at nothing and uses the image as built.
     */
    private SandboxBackend qemu(SandboxSettings s) throws SandboxException {
        QemuSettings settings = QemuSettings.defaults().withAccel(qemuAccel).withGuestDir(qemuGuestDir)
                .withRunDir(qemuRunDir).withMemoryMiB(qemuMemoryMiB)
                .withMaxRunTime(Duration.ofSeconds(maxRunSeconds + 60L)).withKernels(qemuKernels, qemuExtraPoolSize);
        Capacity capacity = host == null ? Capacity.fallback(maxLive, qemuPoolSize, qemuRestoresAtOnce)
                : Capacity.forQemu(host, settings.likelyTcg(), qemuMemoryMiB, maxLive, qemuPoolSize,
                        qemuRestoresAtOnce);
        LOG.info(capacity.describe("VM"));
        settings = settings.withMaxLive(capacity.live()).withPoolSize(capacity.pool())
                .withRestoresAtOnce(capacity.restoresAtOnce());
        if (Files.isRegularFile(qemuImageBuilder)) {
            settings = settings.withImageBuilder(qemuImageBuilder, s.agentJar().toAbsolutePath().getParent());
        }
        QemuBackend qemu = new QemuBackend(settings, new VmIsolation.Settings(qemuVmUids, qemuCgroup), compiler);
        qemu.overShareGrace(overShareGrace);
        return qemu;
    }

    /** The agent as a child process; runs at once follow the host unless max-live says. */
    private SandboxBackend local(SandboxSettings s) throws SandboxException {
        Capacity capacity = host == null
                ? Capacity.fallback(maxLive, OptionalInt.of(localWarmAgents), OptionalInt.of(0))
                : Capacity.forLocal(host, maxLive, localWarmAgents);
        LOG.info(capacity.describe("agent"));
        LocalBackend local = new LocalBackend(s.agentJar(), s.agentEnvironment(), s.localWarmAgents(), capacity.live());
        local.overShareGrace(overShareGrace);
        return local;
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
        SandboxSettings settings = new SandboxSettings(agentJar, Map.of(), localWarmAgents);
        try {
            host = Capacity.Host.read();
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cannot read this host's memory (%s); runs at once and the pool take fixed defaults",
                    e.getMessage());
        }
        try {
            backend = factory.create(settings);
            return backend;
        } catch (SandboxException | IllegalArgumentException e) { // bad settings say which one
            LOG.errorf("sandbox backend %s unavailable: %s", backendName, e.getMessage());
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
