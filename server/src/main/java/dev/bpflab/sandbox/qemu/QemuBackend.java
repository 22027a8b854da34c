package dev.bpflab.sandbox.qemu;

import dev.bpflab.compiler.CompileException;
import dev.bpflab.compiler.CompileResult;
import dev.bpflab.compiler.HostCompiler;
import dev.bpflab.compiler.TargetKernel;
import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.PreparationStage;
import dev.bpflab.sandbox.AdmissionQueue;
import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.sandbox.Kernel;
import dev.bpflab.sandbox.Preparation;
import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.sandbox.SandboxException;
import dev.bpflab.support.threads.Daemons;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.jboss.logging.Logger;

/**
 * Every run gets a disposable VM of its own: the guest kernel is the only kernel the user's program touches. VMs are
 * restored from a VM saved once (boot, agent warm-up; {@link SavedVm}) and kept paused in a pool ({@link VmPool}, sized
 * to the host by {@link dev.bpflab.sandbox.Capacity}), so handing one out costs a {@code cont} and a clock/RNG reseed.
 * A VM serves one run and is killed.
 *
 * <p>It runs several guest kernels ({@link QemuSettings#kernels()}, the default first), each a {@link GuestKernel}
 * with its own image, saved VM and pool; the admission queue, the VMs' uids and cgroups and the accelerator are one for
 * all, so the host's capacity is the same whichever kernels the runs choose.
 *
 * <p>Construction is quick; the image builds or checks ({@link ImageBuild}, {@link GuestImage}), the host probe
 * ({@link HostProbe}, once) and (once per image) the boot of the VM to save happen on a background thread, kernel by
 * kernel, the default first: the lab is ready with it while the others build. {@link #acquire} waits for the run's
 * kernel; {@link #awaitReady} lets a caller wait up front for the default; {@link #preparation(String)} says which
 * stage a kernel is in (the image build's own stages come from its progress lines). {@link #close} stops all of it, a
 * running image build included.
 */
public final class QemuBackend implements SandboxBackend {
    static final Logger LOG = Logger.getLogger(QemuBackend.class);

    private final QemuSettings settings;
    private final VmIsolation.Settings isolationSettings;
    private final HostCompiler compiler;
    private final RunDir runDir;
    private final AdmissionQueue admission;
    private final Set<VmChannel> active = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Daemons.factory("qemu-timer"));
    /** Every kernel, the default first (insertion order). */
    private final Map<String, GuestKernel> kernels = new LinkedHashMap<>();
    private final Thread preparer;
    private volatile boolean closed;
    private HostProbe.Probed host; // the preparer's: probed once, with the first image that was there
    private VmIsolation isolation; // the preparer's: one for all kernels' VMs

    /**
     * @param compiler compiles the agents' warm-up program ({@code warmup.bpf.c}) for each guest kernel, as it
     *                 compiles learners' programs
     */
    public QemuBackend(QemuSettings settings, HostCompiler compiler) throws SandboxException {
        this(settings, VmIsolation.Settings.defaults(), compiler);
    }

    /** @param isolation how VMs are kept apart: their uids and cgroups ({@link VmIsolation}) */
    public QemuBackend(QemuSettings settings, VmIsolation.Settings isolation, HostCompiler compiler)
            throws SandboxException {
        this.settings = settings;
        this.isolationSettings = isolation;
        this.compiler = compiler;
        Path qemu = HostProbe.resolveQemu(settings.qemuBinary());
        this.runDir = RunDir.take(settings.runDir());
        for (String id : settings.kernels()) {
            kernels.put(id, new GuestKernel(id, settings, runDir));
        }
        this.admission = new AdmissionQueue(settings.maxLive());
        this.preparer = Daemons.start(() -> prepareAll(qemu), "qemu-prepare");
    }

    @Override
    public String name() {
        return "qemu";
    }

    /** The default kernel's preparation: the lab is ready once it is. */
    @Override
    public Preparation preparation() {
        return defaultKernelState().preparation;
    }

    @Override
    public Preparation preparation(String kernel) {
        GuestKernel k = kernels.get(kernel == null ? settings.kernels().get(0) : kernel);
        return k == null ? Preparation.READY : k.preparation;
    }

    @Override
    public List<Kernel> kernels() {
        return kernels.values().stream().map(GuestKernel::describe).toList();
    }

    /** How long a run over its client's fair share keeps its sandbox while others wait ({@link AdmissionQueue}). */
    public void overShareGrace(java.time.Duration grace) {
        admission.overShareGrace(grace);
    }

    /** Waits until the default kernel's saved VM is ready (or preparing it failed), to fail fast at start-up. */
    @Override
    public void awaitReady(Duration timeout) throws SandboxException, InterruptedException {
        defaultKernelState().readyWithin(timeout);
    }

    /** Waits until {@code kernel}'s saved VM is ready (or preparing it failed). */
    public void awaitReady(String kernel, Duration timeout) throws SandboxException, InterruptedException {
        kernelState(kernel).readyWithin(timeout);
    }

    /** How the accelerator was chosen, e.g. "tcg (a probe guest did not boot on /dev/kvm within 8 s)". */
    public String accelerator() throws SandboxException, InterruptedException {
        defaultKernelState().readyWithin(Duration.ofDays(1)); // probed by then
        return hostProbed().accel().reason();
    }

    private synchronized HostProbe.Probed hostProbed() {
        return host;
    }

    /** The default guest kernel, with the headers {@code build-image.sh} extracted from it and its toolchain. */
    @Override
    public TargetKernel targetKernel() throws SandboxException, InterruptedException {
        return targetKernel(null);
    }

    @Override
    public TargetKernel targetKernel(String kernel) throws SandboxException, InterruptedException {
        return GuestKernel.target(kernelState(kernel).readyWithin(Duration.ofDays(1)).image());
    }

    @Override
    public AgentChannel acquire(Object client, IntConsumer queuePosition)
            throws SandboxException, InterruptedException {
        return acquire(client, null, queuePosition);
    }

    @Override
    public AgentChannel acquire(Object client, String kernel, IntConsumer queuePosition)
            throws SandboxException, InterruptedException {
        if (closed) {
            throw new SandboxException("the qemu backend is shut down");
        }
        GuestKernel guest = kernelState(kernel);
        AdmissionQueue.Slot slot = admission.acquire(client, queuePosition);
        boolean handedOut = false;
        try {
            GuestKernel.Ready ready = guest.readyWithin(Duration.ofDays(1));
            Vm vm = ready.pool().takeAwake();
            AtomicReference<VmChannel> self = new AtomicReference<>();
            // Ends with the QEMU pid, like the local backend's "local agent pid N".
            String description = "qemu " + vm.name + " (" + ready.machine().accel().label() + ", " + guest.id
                    + ", guest kernel " + ready.image().kernelRelease() + ") pid " + vm.process().pid();
            VmChannel channel = new VmChannel(vm, description, settings, timer, () -> {
                        active.remove(self.get());
                        slot.release();
                    }, ready.pool()::giveBack);
            self.set(channel);
            active.add(channel);
            slot.served(channel::reclaim);
            handedOut = true;
            return channel;
        } finally {
            if (!handedOut) {
                slot.release();
            }
        }
    }

    private GuestKernel defaultKernelState() {
        return kernels.get(settings.kernels().get(0));
    }

    /** {@code kernel}'s state (null: the default's). */
    private GuestKernel kernelState(String kernel) throws SandboxException {
        return kernels.get(requireKernel(kernel));
    }

    /** Prepares every kernel, the default first; one that fails leaves the others to be prepared. */
    private void prepareAll(Path qemu) {
        for (GuestKernel kernel : kernels.values()) {
            if (closed) {
                kernel.failed(new SandboxException("the qemu backend is shut down"));
                continue;
            }
            prepare(kernel, qemu);
        }
    }

    private void prepare(GuestKernel kernel, Path qemu) {
        Preparation preparation = kernel.preparation;
        try {
            GuestImage image = kernel.image();
            preparation.enter(PreparationStage.HEADERS);
            AgentCommand.Warmup warmup = warmupCommand(image);
            preparation.enter(PreparationStage.ACCELERATOR);
            HostProbe.Probed probed;
            synchronized (this) {
                probed = host;
            }
            if (probed == null) { // once: every kernel's VMs run on the same accelerator
                probed = HostProbe.probe(settings, qemu, image.dir(), runDir.path());
                synchronized (this) {
                    host = probed;
                }
            }
            Machine machine = probed.machine().withImage(image.dir());
            preparation.enter(PreparationStage.SAVED_VM);
            if (isolation == null) {
                int vms = settings.maxLive() + 1;
                for (String id : settings.kernels()) {
                    vms += settings.poolSize(id) + settings.restoresAtOnce(id);
                }
                try {
                    isolation = VmIsolation.forHost(isolationSettings, runDir.path(), vms);
                } catch (IllegalArgumentException e) {
                    throw new SandboxException(e.getMessage(), e);
                }
                LOG.infof("VM isolation: %s", isolation.describe());
            }
            SavedVm saved = SavedVm.obtain(machine, isolation, settings.savedVmsDir(kernel.id), runDir.path(),
                    image.id(), probed.qemuVersion(), settings.bootTimeout(), warmup);
            TemplateRam ram = TemplateRam.seal(saved.memory());
            VmPool pool = new VmPool(machine, saved, isolation, ram, runDir.path(), settings.poolSize(kernel.id),
                    settings.restoresAtOnce(kernel.id), warmup, kernel.id + "-vm-");
            String timeline;
            synchronized (this) { // close() either sees the pool or makes us close it
                if (closed) {
                    pool.close();
                    throw new InterruptedException();
                }
                timeline = preparation.timeline();
                kernel.ready(new GuestKernel.Ready(image, machine, pool));
            }
            LOG.infof("qemu kernel %s (%s) ready: %s, saved VM %s, pool of %d; prepared in %s", kernel.id,
                    image.kernelRelease(), probed.accel().reason(), saved.dir(), settings.poolSize(kernel.id), timeline);
        } catch (SandboxException | IOException | InterruptedException e) {
            SandboxException failure = closed ? new SandboxException("the qemu backend is shut down")
                    : e instanceof SandboxException sandbox ? sandbox
                    : new SandboxException("the qemu backend could not start: " + e.getMessage(), e);
            if (!closed) {
                LOG.errorf("qemu kernel %s unavailable: %s", kernel.id, failure.getMessage());
                // What every waiting and later run is told: the stage that failed, and what to do.
                failure = new SandboxException(preparation.fail(failure.getMessage()), failure);
            }
            kernel.failed(failure);
        } catch (RuntimeException e) {
            preparation.fail("an internal error (" + e + ")");
            kernel.failed(new SandboxException("an internal error (" + e + ")", e));
        }
    }

    /** The warm-up program compiled for the guest kernel (this also prepares the headers learners' compiles use). */
    private AgentCommand.Warmup warmupCommand(GuestImage image) throws SandboxException, InterruptedException {
        String source;
        try (var in = QemuBackend.class.getResourceAsStream("warmup.bpf.c")) {
            source = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new SandboxException("the agents' warm-up program is missing from the server: rebuild it", e);
        }
        try {
            CompileResult compiled = compiler.compileNow(source, GuestKernel.target(image));
            if (!compiled.succeeded()) {
                throw new SandboxException("the agents' warm-up program does not compile for guest kernel "
                        + image.kernelRelease() + ": " + compiled.log().strip());
            }
            return new AgentCommand.Warmup(compiled.object(), compiled.coreBtf());
        } catch (CompileException e) {
            throw new SandboxException("cannot compile for the guest kernel " + image.kernelRelease() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The default kernel's state, then each other kernel's in a word or two. */
    @Override
    public String status() {
        if (closed) {
            return "qemu: shut down";
        }
        StringBuilder text = new StringBuilder(status(defaultKernelState()));
        for (GuestKernel kernel : kernels.values()) {
            if (kernel != defaultKernelState()) {
                GuestKernel.Ready ready = kernel.readyNow();
                text.append("; ").append(kernel.id).append(": ").append(ready != null
                        ? ready.pool().pooled() + " pooled" : kernel.isDone() ? "unavailable" : "preparing");
            }
        }
        return text.toString();
    }

    private String status(GuestKernel kernel) {
        if (!kernel.isDone()) {
            return kernel.preparation.preparing().map(p -> "qemu: preparing: " + p.text() + " (step " + p.step()
                    + " of " + p.steps() + ", " + p.stageSeconds() + " s)").orElse("qemu: preparing");
        }
        GuestKernel.Ready ready = kernel.readyNow();
        if (ready == null) { // done, not ready: it failed, and says why
            try {
                kernel.readyWithin(Duration.ZERO);
                return "qemu: preparing";
            } catch (SandboxException | InterruptedException e) {
                return "qemu: unavailable: " + e.getMessage();
            }
        }
        String problem = ready.pool().refillProblem();
        return "qemu (" + hostProbed().accel().reason() + "): " + admission.live() + " live of "
                + admission.capacity() + ", " + admission.waiting() + " waiting, " + ready.pool().pooled() + " pooled"
                + (problem == null ? "" : "; last restore failed: " + problem);
    }

    @Override
    public Load load() {
        return new Load(admission.live(), admission.capacity(), admission.waiting(), pooled());
    }

    /** Our QEMU processes alive right now (tests and the bench use it). */
    public List<Long> qemuProcesses() {
        return runDir.qemuProcesses();
    }

    /** Paused VMs waiting in every kernel's pool (0 until a kernel is ready). */
    public int pooled() {
        int pooled = 0;
        for (GuestKernel kernel : kernels.values()) {
            GuestKernel.Ready ready = kernel.readyNow();
            pooled += ready == null ? 0 : ready.pool().pooled();
        }
        return pooled;
    }

    /** The default kernel's pool of paused VMs, or null until it is ready. */
    VmPool pool() {
        GuestKernel.Ready ready = defaultKernelState().readyNow();
        return ready == null ? null : ready.pool();
    }

    /** Kills the image builds if one runs, every VM, pooled or serving, and releases the run directory. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        kernels.values().forEach(GuestKernel::cancelBuild);
        preparer.interrupt();
        for (GuestKernel kernel : kernels.values()) {
            GuestKernel.Ready ready = kernel.readyNow();
            if (ready != null) {
                ready.pool().close();
            }
        }
        for (VmChannel channel : List.copyOf(active)) {
            channel.close();
        }
        timer.shutdownNow();
        try {
            preparer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runDir.close();
    }
}
