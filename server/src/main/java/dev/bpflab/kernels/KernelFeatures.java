package dev.bpflab.kernels;

import dev.bpflab.protocol.AgentMessage;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.sandbox.Kernel;
import dev.bpflab.sandbox.Preparation;
import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.support.threads.Daemons;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * What each kernel of the sandbox backend can do, as probed inside it ({@link SandboxProbe}): once per kernel and
 * release, when the kernel is ready (followed from start-up unless {@code bpflab.kernels.probe-at-start=false}) or
 * when someone asks ({@link #request}). A kernel is never probed twice at once; a failed probe is said
 * ({@link #problem}) and retried after {@code bpflab.kernels.probe-retry}. Each probe takes one sandbox of its kernel
 * for a second or two.
 */
@ApplicationScoped
public class KernelFeatures {
    private static final Logger LOG = Logger.getLogger(KernelFeatures.class);

    /** A kernel's probe: the {@code release} it was made on, and what it found. */
    public record Probe(String release, AgentMessage.Features features) {
    }

    @Inject
    SandboxBackend backend;

    /** For CDI. */
    KernelFeatures() {
    }

    /**
     * Outside CDI (tests of the run loop): {@code backend}'s kernels, probed only when asked ({@link #request}), each
     * probe awaited at most {@code timeout}, a failed one tried again after {@code retry}.
     */
    public KernelFeatures(SandboxBackend backend, Duration timeout, Duration retry) {
        this.backend = backend;
        this.timeout = timeout;
        this.retry = retry;
    }
    @ConfigProperty(name = "bpflab.kernels.probe-at-start", defaultValue = "true")
    boolean probeAtStart;
    @ConfigProperty(name = "bpflab.kernels.probe-timeout", defaultValue = "60s")
    Duration timeout;
    @ConfigProperty(name = "bpflab.kernels.probe-retry", defaultValue = "60s")
    Duration retry;

    private final Map<String, Probe> probes = new ConcurrentHashMap<>();
    private final Map<String, String> problems = new ConcurrentHashMap<>();
    /** Kernels being probed, or waiting to be probed again after a failure. */
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService probers = Executors.newScheduledThreadPool(2, Daemons.factory("kernel-probe"));

    void onStart(@Observes StartupEvent started) {
        if (probeAtStart) {
            for (Kernel kernel : backend.kernels()) {
                // Told now and at every change, with the preparation's lock held: only hands the request on.
                kernel.preparation().follow(status -> {
                    if (status.state() == Preparation.State.READY) {
                        probers.execute(() -> request(kernel.id()));
                    }
                });
            }
        }
    }

    void onStop(@Observes ShutdownEvent stopping) {
        probers.shutdownNow();
    }

    /**
     * Probes {@code kernelId} in the background, unless its probe for the current release is there, it is being
     * probed (or waits to be again), or it is not ready. Returns at once.
     */
    public void request(String kernelId) {
        Kernel kernel = kernel(kernelId).orElse(null);
        if (kernel == null || kernel.preparation().status().state() != Preparation.State.READY
                || current(kernel).isPresent() || !busy.add(kernelId)) {
            return;
        }
        try {
            probers.execute(() -> probe(kernelId));
        } catch (RejectedExecutionException e) {
            busy.remove(kernelId); // shutting down
        }
    }

    /** The probe of {@code kernel} for its current release; empty until probed (or when its release changed since). */
    public Optional<Probe> current(Kernel kernel) {
        Probe probe = probes.get(kernel.id());
        return probe != null && Objects.equals(probe.release(), kernel.release()) ? Optional.of(probe) : Optional.empty();
    }

    /** Why the last probe of {@code kernelId} failed (it is tried again), or null. */
    public String problem(String kernelId) {
        return problems.get(kernelId);
    }

    /** Whether {@code kernelId} is being probed now (or waits to be tried again). */
    public boolean probing(String kernelId) {
        return busy.contains(kernelId);
    }

    /**
     * Keeps what a probe of {@code kernelId} on {@code release} found: what each probe ends with. Tests call it to
     * stand a kernel's answer in for one this host cannot give.
     */
    public void record(String kernelId, String release, AgentMessage.Features features) {
        probes.put(kernelId, new Probe(release, features));
        problems.remove(kernelId);
    }

    /**
     * The {@code diagnostics} of stage {@code kernel} that refuses {@code source} on {@code kernelId} (an id of the
     * backend, already checked) because it needs what that kernel was probed without; empty when it needs nothing
     * missing, or when the kernel was not probed yet (the compile and the verifier then say what they say).
     */
    public Optional<ServerMessage.Diagnostics> refusal(String source, String kernelId) {
        Kernel kernel = kernel(kernelId).orElse(null);
        Probe probed = kernel == null ? null : current(kernel).orElse(null);
        if (probed == null) {
            return Optional.empty();
        }
        List<KernelNeeds.Need> needs = KernelNeeds.of(source);
        if (needs.isEmpty()) {
            return HeaderNeeds.refusal(source, kernel, backend.kernels());
        }
        Map<Kernel, Probe> others = new LinkedHashMap<>();
        for (Kernel other : backend.kernels()) {
            if (!other.id().equals(kernelId)) {
                current(other).ifPresent(p -> others.put(other, p));
            }
        }
        return NeedsRefusal.of(needs, kernel, probed, others)
                .or(() -> HeaderNeeds.refusal(source, kernel, backend.kernels()));
    }

    private void probe(String kernelId) {
        Kernel kernel = kernel(kernelId).orElse(null);
        if (kernel == null) {
            busy.remove(kernelId);
            return;
        }
        try {
            AgentMessage.Features features = SandboxProbe.run(backend, kernelId, timeout);
            record(kernelId, kernel.release(), features);
            LOG.infof("kernel %s (%s) can do: %s%s", kernelId, kernel.release(), features.features(),
                    features.notes().isEmpty() ? "" : "; " + features.notes());
            busy.remove(kernelId);
        } catch (SandboxProbe.Failed e) {
            problems.put(kernelId, e.getMessage());
            LOG.warnf("probing what kernel %s can do failed (tried again in %d s): %s", kernelId, retry.toSeconds(),
                    e.getMessage());
            retryLater(kernelId);
        } catch (InterruptedException e) {
            busy.remove(kernelId); // shutting down
        }
    }

    private void retryLater(String kernelId) {
        try {
            probers.schedule(() -> probe(kernelId), retry.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            busy.remove(kernelId);
        }
    }

    private Optional<Kernel> kernel(String id) {
        return backend.kernels().stream().filter(k -> k.id().equals(id)).findFirst();
    }
}
