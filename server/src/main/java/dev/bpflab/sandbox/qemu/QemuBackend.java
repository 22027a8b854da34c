package dev.bpflab.sandbox.qemu;

import dev.bpflab.compiler.CompileException;
import dev.bpflab.compiler.CompileResult;
import dev.bpflab.compiler.HostCompiler;
import dev.bpflab.compiler.TargetKernel;
import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.ErrorCode;
import dev.bpflab.protocol.PreparationStage;
import dev.bpflab.sandbox.AdmissionQueue;
import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.sandbox.Preparation;
import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.sandbox.SandboxException;
import dev.bpflab.support.threads.Daemons;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.jboss.logging.Logger;

/**
 * Every run gets a disposable VM of its own: the guest kernel is the only kernel the user's program touches. VMs are
 * restored from a VM saved once (boot, agent warm-up; {@link SavedVm}) and kept paused in a pool ({@link VmPool}, sized
 * to the host by {@link dev.bpflab.sandbox.Capacity}), so handing one out costs a {@code cont} and a clock/RNG reseed.
 * A VM serves one run and is killed.
 *
 * <p>Construction is quick; the image build or check ({@link ImageBuild}, {@link GuestImage}), the host probe
 * ({@link HostProbe}) and (once per image) the boot of the VM to save happen on a background thread. {@link #acquire}
 * waits for them; {@link #awaitReady} lets a caller wait up front; {@link #preparation()} says which stage it is in
 * (the image build's own stages come from its progress lines). {@link #close} stops all of it, a running image build
 * included.
 */
public final class QemuBackend implements SandboxBackend {
    private static final Logger LOG = Logger.getLogger(QemuBackend.class);

    private final QemuSettings settings;
    private final VmIsolation.Settings isolationSettings;
    private final HostCompiler compiler;
    private final RunDir runDir;
    private final ImageBuild imageBuild;
    private final AdmissionQueue admission;
    private final Set<VmChannel> active = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Daemons.factory("qemu-timer"));
    private final CompletableFuture<Prepared> prepared = new CompletableFuture<>();
    private final Preparation preparation = new Preparation(InstantSource.system(), PreparationStage.IMAGE_CHECK);
    private final Thread preparer;
    private volatile boolean closed;

    /** What the background preparation made: the host's machine, the image and the pool of VMs restored from it. */
    private record Prepared(HostProbe.Probed host, GuestImage image, VmPool pool) {
    }

    /**
     * @param compiler compiles the agents' warm-up program ({@code warmup.bpf.c}) for the guest kernel, as it
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
        this.imageBuild = settings.imageBuilder() == null ? null : new ImageBuild(settings.imageBuilder(),
                settings.guestDir(), settings.agentDir(), runDir.path().resolve("build-image.log"));
        this.admission = new AdmissionQueue(settings.maxLive());
        this.preparer = Daemons.start(() -> prepare(qemu), "qemu-prepare");
    }

    @Override
    public String name() {
        return "qemu";
    }

    @Override
    public Preparation preparation() {
        return preparation;
    }

    /** How long a run over its client's fair share keeps its sandbox while others wait ({@link AdmissionQueue}). */
    public void overShareGrace(java.time.Duration grace) {
        admission.overShareGrace(grace);
    }

    /** Waits until the saved VM is ready (or preparing it failed), for callers that want to fail fast at start-up. */
    @Override
    public void awaitReady(Duration timeout) throws SandboxException, InterruptedException {
        preparedWithin(timeout);
    }

    /** How the accelerator was chosen, e.g. "tcg (a probe guest did not boot on /dev/kvm within 8 s)". */
    public String accelerator() throws SandboxException, InterruptedException {
        return preparedWithin(Duration.ofDays(1)).host().accel().reason();
    }

    /** The guest image's kernel, with the headers {@code build-image.sh} extracted from it. */
    @Override
    public TargetKernel targetKernel() throws SandboxException, InterruptedException {
        return targetOf(preparedWithin(Duration.ofDays(1)).image());
    }

    @Override
    public List<dev.bpflab.sandbox.Kernel> kernels() {
        Prepared ready = prepared.isDone() && !prepared.isCompletedExceptionally() ? prepared.getNow(null) : null;
        return List.of(new dev.bpflab.sandbox.Kernel("debian12", "Debian 12 (bookworm)",
                ready == null ? null : ready.image().kernelRelease(), null, preparation));
    }

    private static TargetKernel targetOf(GuestImage image) {
        return TargetKernel.image(image.kernelRelease(), image.headers());
    }

    @Override
    public AgentChannel acquire(Object client, IntConsumer queuePosition)
            throws SandboxException, InterruptedException {
        if (closed) {
            throw new SandboxException("the qemu backend is shut down");
        }
        AdmissionQueue.Slot slot = admission.acquire(client, queuePosition);
        boolean handedOut = false;
        try {
            Prepared ready = preparedWithin(Duration.ofDays(1));
            Vm vm = ready.pool().takeAwake();
            AtomicReference<VmChannel> self = new AtomicReference<>();
            // Ends with the QEMU pid, like the local backend's "local agent pid N".
            String description = "qemu " + vm.name + " (" + ready.host().accel().accel().label() + ", guest kernel "
                    + ready.image().kernelRelease() + ") pid " + vm.process().pid();
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

    private Prepared preparedWithin(Duration timeout) throws SandboxException, InterruptedException {
        try {
            return prepared.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SandboxException sandbox) {
                throw new SandboxException(sandbox.getMessage(), sandbox);
            }
            throw new SandboxException("the qemu backend could not start: " + cause, cause);
        } catch (TimeoutException e) {
            throw new SandboxException(ErrorCode.LAB_PREPARING, "the qemu backend is still preparing its saved VM");
        }
    }

    private void prepare(Path qemu) {
        try {
            if (imageBuild != null) {
                LOG.info(imageBuild.run(preparation::enter));
            }
            GuestImage image;
            try {
                image = GuestImage.check(settings.imageDir());
            } catch (IOException e) {
                throw new SandboxException("the guest image in " + settings.imageDir() + " is not usable ("
                        + e.getMessage() + "): build it with `server/src/main/guest/build-image.sh "
                        + settings.guestDir() + "`", e);
            }
            preparation.enter(PreparationStage.HEADERS);
            AgentCommand.Warmup warmup = warmupCommand(image);
            preparation.enter(PreparationStage.ACCELERATOR);
            HostProbe.Probed host = HostProbe.probe(settings, qemu, image.dir(), runDir.path());
            preparation.enter(PreparationStage.SAVED_VM);
            VmIsolation isolation;
            try {
                isolation = VmIsolation.forHost(isolationSettings, runDir.path(),
                        settings.maxLive() + settings.poolSize() + settings.restoresAtOnce() + 1);
            } catch (IllegalArgumentException e) {
                throw new SandboxException(e.getMessage(), e);
            }
            LOG.infof("VM isolation: %s", isolation.describe());
            String timeline;
            SavedVm saved = SavedVm.obtain(host.machine(), isolation, settings.savedVmsDir(), runDir.path(),
                    image.id(), host.qemuVersion(), settings.bootTimeout(), warmup);
            TemplateRam ram = TemplateRam.seal(saved.memory());
            VmPool pool = new VmPool(host.machine(), saved, isolation, ram, runDir.path(), settings.poolSize(),
                    settings.restoresAtOnce(), warmup);
            synchronized (this) { // close() either sees the pool or makes us close it
                if (closed) {
                    pool.close();
                    throw new InterruptedException();
                }
                timeline = preparation.timeline();
                preparation.ready(); // first: a run waiting for us says "compiling" before it compiles
                prepared.complete(new Prepared(host, image, pool));
            }
            LOG.infof("qemu backend ready: %s, saved VM %s, pool of %d, %d restored at once; prepared in %s",
                    host.accel().reason(), saved.dir(), settings.poolSize(), settings.restoresAtOnce(), timeline);
        } catch (SandboxException | IOException | InterruptedException e) {
            SandboxException failure = closed ? new SandboxException("the qemu backend is shut down")
                    : e instanceof SandboxException sandbox ? sandbox
                    : new SandboxException("the qemu backend could not start: " + e.getMessage(), e);
            if (!closed) {
                LOG.errorf("qemu backend unavailable: %s", failure.getMessage());
                // What every waiting and later run is told: the stage that failed, and what to do.
                failure = new SandboxException(preparation.fail(failure.getMessage()), failure);
            }
            prepared.completeExceptionally(failure);
        } catch (RuntimeException e) {
            preparation.fail("an internal error (" + e + ")");
            prepared.completeExceptionally(e);
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
            CompileResult compiled = compiler.compileNow(source, targetOf(image));
            if (!compiled.succeeded()) {
                throw new SandboxException("the agents' warm-up program does not compile for guest kernel "
                        + image.kernelRelease() + ": " + compiled.log().strip());
            }
            return new AgentCommand.Warmup(compiled.object(), compiled.coreBtf());
        } catch (CompileException e) {
            throw new SandboxException("cannot compile for the guest kernel: " + e.getMessage(), e);
        }
    }

    @Override
    public String status() {
        if (closed) {
            return "qemu: shut down";
        }
        if (!prepared.isDone()) {
            return preparation.preparing().map(p -> "qemu: preparing: " + p.text() + " (step " + p.step() + " of "
                    + p.steps() + ", " + p.stageSeconds() + " s)").orElse("qemu: preparing");
        }
        Prepared ready;
        try {
            ready = prepared.getNow(null);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return "qemu: unavailable: " + cause.getMessage();
        }
        String problem = ready.pool().refillProblem();
        return "qemu (" + ready.host().accel().reason() + "): " + admission.live() + " live of "
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

    /** Paused VMs waiting in the pool (0 until the backend is ready). */
    public int pooled() {
        VmPool pool = pool();
        return pool == null ? 0 : pool.pooled();
    }

    /** The pool of paused VMs, or null until the backend is ready. */
    VmPool pool() {
        Prepared ready = prepared.isDone() && !prepared.isCompletedExceptionally() ? prepared.getNow(null) : null;
        return ready == null ? null : ready.pool();
    }

    /** Kills the image build if one runs, every VM, pooled or serving, and releases the run directory. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (imageBuild != null) {
            imageBuild.cancel();
        }
        preparer.interrupt();
        Prepared ready = prepared.isDone() && !prepared.isCompletedExceptionally() ? prepared.getNow(null) : null;
        if (ready != null) {
            ready.pool().close();
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
