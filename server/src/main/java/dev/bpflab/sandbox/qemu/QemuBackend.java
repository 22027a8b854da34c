package dev.bpflab.sandbox.qemu;

import dev.bpflab.sandbox.AdmissionQueue;
import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.sandbox.SandboxException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.jboss.logging.Logger;

/**
 * Every run gets a disposable VM of its own: the guest kernel is the only kernel the user's program touches. VMs are
 * restored from a template saved once (boot, agent warm-up) and kept paused in a small pool, so handing one out costs
 * a {@code cont} and a clock/RNG reseed. A VM serves one run and is killed.
 *
 * <p>Construction is quick; the image check, the accelerator probe and (once per image) the template boot happen on
 * a background thread. {@link #acquire} waits for them; {@link #awaitReady} lets a caller wait up front.
 */
public final class QemuBackend implements SandboxBackend {
    private static final Logger LOG = Logger.getLogger(QemuBackend.class);
    private static final Duration WAKE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PREWARM_TIMEOUT = Duration.ofSeconds(60);

    private final QemuSettings settings;
    private final Path runDir;
    private final FileChannel runLockFile;
    private final FileLock runLock;
    private final Optional<Process> watchdog;
    private final AdmissionQueue admission;
    private final LinkedBlockingDeque<Vm> pool = new LinkedBlockingDeque<>();
    private final Set<VmChannel> active = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "qemu-timer"));
    private final CompletableFuture<Prepared> prepared = new CompletableFuture<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final Object refillSignal = new Object();
    private final Thread preparer;
    private volatile String refillProblem;
    private volatile boolean closed;

    /** What the background preparation found: the machine, the template and how the accelerator was chosen. */
    private record Prepared(Machine machine, Template template, Accel.Choice accel, String guestKernel) {
    }

    public QemuBackend(QemuSettings settings) throws SandboxException {
        this.settings = settings;
        Path qemu = resolveQemu(settings.qemuBinary());
        this.runDir = settings.runDir().toAbsolutePath().normalize();
        try {
            Files.createDirectories(runDir);
            // Each VM's files are in a subdirectory QEMU's unprivileged user owns; it may pass through, not list.
            Files.setPosixFilePermissions(runDir, PosixFilePermissions.fromString("rwx--x--x"));
            runLockFile = FileChannel.open(runDir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new SandboxException("cannot use " + runDir + " for the VMs' sockets: " + e.getMessage()
                    + " (run bpflab as root, or set bpflab.qemu.run-dir)", e);
        }
        FileLock lock;
        try {
            lock = runLockFile.tryLock();
        } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            closeQuietly();
            throw new SandboxException("another bpflab server is using " + runDir + " for its VMs; give this one its "
                    + "own bpflab.qemu.run-dir");
        }
        this.runLock = lock;
        try {
            int reaped = Reaper.reapLeftovers(runDir);
            if (reaped > 0) {
                LOG.warnf("killed %d QEMU process(es) left in %s by a server that did not shut down", reaped, runDir);
            }
            this.watchdog = Optional.of(Reaper.startWatchdog(runDir));
        } catch (IOException e) {
            closeQuietly();
            throw new SandboxException("cannot clean up " + runDir + ": " + e.getMessage(), e);
        }
        this.admission = new AdmissionQueue(settings.maxLive());
        this.preparer = daemon(() -> prepare(qemu), "qemu-prepare");
        preparer.start();
    }

    @Override
    public String name() {
        return "qemu";
    }

    /** Waits until the template is ready (or preparing it failed), for callers that want to fail fast at start-up. */
    @Override
    public void awaitReady(Duration timeout) throws SandboxException, InterruptedException {
        preparedWithin(timeout);
    }

    /** How the accelerator was chosen, e.g. "tcg (a probe guest did not boot on /dev/kvm within 8 s)". */
    public String accelerator() throws SandboxException, InterruptedException {
        return preparedWithin(Duration.ofDays(1)).accel().reason();
    }

    @Override
    public AgentChannel acquire(IntConsumer queuePosition) throws SandboxException, InterruptedException {
        if (closed) {
            throw new SandboxException("the qemu backend is shut down");
        }
        admission.acquire(queuePosition);
        boolean handedOut = false;
        try {
            Prepared ready = preparedWithin(Duration.ofDays(1));
            Vm vm = takeAwakeVm(ready);
            AtomicReference<VmChannel> self = new AtomicReference<>();
            // Ends with the QEMU pid, like the local backend's "local agent pid N".
            String description = "qemu " + vm.name + " (" + ready.accel().accel().label() + ", guest kernel "
                    + ready.guestKernel() + ") pid " + vm.process().pid();
            VmChannel channel = new VmChannel(vm, description, settings, timer, () -> {
                        active.remove(self.get());
                        admission.release();
                    });
            self.set(channel);
            active.add(channel);
            handedOut = true;
            return channel;
        } finally {
            if (!handedOut) {
                admission.release();
            }
        }
    }

    private Vm takeAwakeVm(Prepared ready) throws SandboxException {
        String problem = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            Vm vm = pool.pollFirst();
            signalRefill();
            try {
                if (vm == null) {
                    vm = restore(ready);
                }
                vm.wake(WAKE_TIMEOUT);
                return vm;
            } catch (IOException e) {
                problem = e.getMessage();
                LOG.warnf("a restored VM was not usable: %s", problem);
                if (vm != null) {
                    vm.kill();
                }
            }
        }
        throw new SandboxException("no VM could be restored for this run: " + problem);
    }

    private Vm restore(Prepared ready) throws IOException {
        Vm vm = Vm.start(ready.machine(), runDir, "vm-" + ids.incrementAndGet(), ready.template().memory(), false);
        try {
            vm.restore(ready.template().state());
            return vm;
        } catch (IOException | RuntimeException e) {
            vm.kill();
            throw e;
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
            throw new SandboxException("the qemu backend is still preparing its template VM");
        }
    }

    private void prepare(Path qemu) {
        try {
            if (settings.imageBuilder() != null) {
                buildImage();
            }
            Path image = settings.imageDir().toRealPath();
            for (String file : List.of("vmlinuz", "initrd.img", "rootfs.squashfs", "image.id", "release")) {
                if (!Files.isRegularFile(image.resolve(file))) {
                    throw new IOException("missing " + file);
                }
            }
            String imageId = Files.readString(image.resolve("image.id")).strip();
            String guestKernel = Files.readString(image.resolve("release")).strip();
            String version = qemuVersion(qemu);
            Accel.Choice accel = chooseAccel(qemu, image, version);
            Machine machine = new Machine(qemu, image, accel.accel(), settings.memoryMiB(), hostTscKhz(), unprivilegedUser());
            Template template = Template.obtain(machine, settings.templatesDir(), runDir, imageId, version,
                    settings.bootTimeout());
            LOG.infof("qemu backend ready: %s, template %s, pool of %d", accel.reason(), template.dir(),
                    settings.poolSize());
            Prepared ready = new Prepared(machine, template, accel, guestKernel);
            prepared.complete(ready);
            refill(ready);
        } catch (SandboxException e) {
            if (closed) {
                prepared.completeExceptionally(new SandboxException("the qemu backend is shut down"));
                return;
            }
            LOG.errorf("qemu backend unavailable: %s", e.getMessage());
            prepared.completeExceptionally(e);
        } catch (IOException e) {
            if (closed) {
                prepared.completeExceptionally(new SandboxException("the qemu backend is shut down"));
                return;
            }
            SandboxException failure = new SandboxException("the guest image in " + settings.imageDir()
                    + " is not usable (" + e.getMessage() + "): build it with `server/src/main/guest/build-image.sh "
                    + settings.guestDir() + "`", e);
            LOG.errorf("qemu backend unavailable: %s", failure.getMessage());
            prepared.completeExceptionally(failure);
        } catch (RuntimeException e) {
            prepared.completeExceptionally(e);
        }
    }

    /** Keeps the pool of paused, restored VMs full until the backend closes. */
    private void refill(Prepared ready) {
        int failures = 0;
        while (!closed) {
            if (pool.size() < settings.poolSize()) {
                try {
                    Vm vm = restore(ready);
                    if (ready.accel().accel() == Accel.TCG) {
                        try {
                            vm.prewarm(ready.template().agentWarmup(), PREWARM_TIMEOUT);
                        } catch (IOException e) {
                            vm.kill();
                            throw e;
                        }
                    }
                    if (closed) {
                        vm.kill();
                        return;
                    }
                    pool.addLast(vm);
                    refillProblem = null;
                    failures = 0;
                    continue;
                } catch (IOException e) {
                    if (closed) {
                        return;
                    }
                    refillProblem = e.getMessage();
                    failures++;
                    LOG.warnf("could not restore a VM for the pool: %s", e.getMessage());
                }
            }
            synchronized (refillSignal) {
                try {
                    refillSignal.wait(failures == 0 ? 1000 : Math.min(30_000, 500L << Math.min(failures, 6)));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void signalRefill() {
        synchronized (refillSignal) {
            refillSignal.notifyAll();
        }
    }

    private void buildImage() throws SandboxException {
        List<String> command = List.of("bash", settings.imageBuilder().toString(), settings.guestDir().toString(),
                settings.agentDir().toString());
        Path log = runDir.resolve("build-image.log");
        try {
            Process build = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            build.getOutputStream().close();
            if (!build.waitFor(30, TimeUnit.MINUTES)) {
                build.destroyForcibly();
                throw new SandboxException("building the guest image took more than 30 minutes (log: " + log + ")");
            }
            List<String> output = Files.readAllLines(log, StandardCharsets.UTF_8);
            String last = output.isEmpty() ? "" : output.get(output.size() - 1);
            if (build.exitValue() != 0) {
                throw new SandboxException("building the guest image failed: " + last + " (log: " + log + ")");
            }
            LOG.info(last);
        } catch (IOException e) {
            throw new SandboxException("cannot run " + settings.imageBuilder() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while building the guest image");
        }
    }

    /**
     * Probing KVM costs seconds (and a broken KVM spins a core meanwhile), so the outcome is remembered until the host
     * reboots or QEMU changes.
     */
    private Accel.Choice chooseAccel(Path qemu, Path image, String version) throws SandboxException, IOException {
        if (!settings.accel().equals("auto")) {
            return Accel.choose(settings.accel(), qemu, image, runDir);
        }
        String bootId = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
        Path remembered = settings.templatesDir().resolve("kvm-probe");
        String key = bootId + " " + Template.sha256(version).substring(0, 12);
        if (Files.isRegularFile(remembered)) {
            List<String> lines = Files.readAllLines(remembered);
            if (lines.size() == 3 && lines.get(0).equals(key)) {
                return new Accel.Choice(Accel.valueOf(lines.get(1)), lines.get(2) + " (probed earlier)");
            }
        }
        Accel.Choice choice = Accel.choose("auto", qemu, image, runDir);
        Files.createDirectories(remembered.getParent());
        Files.write(remembered, List.of(key, choice.accel().name(), choice.reason()));
        return choice;
    }

    private static Path resolveQemu(Path binary) throws SandboxException {
        if (binary.isAbsolute()) {
            if (Files.isExecutable(binary)) {
                return binary;
            }
        } else {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
                Path candidate = Path.of(dir).resolve(binary);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new SandboxException("QEMU (" + binary + ") is not installed: run `apt-get install qemu-system-x86`, "
                + "or use bpflab.sandbox.backend=local");
    }

    private static String qemuVersion(Path qemu) throws SandboxException {
        try {
            Process version = new ProcessBuilder(qemu.toString(), "--version").redirectErrorStream(true).start();
            String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            version.waitFor(10, TimeUnit.SECONDS);
            return text.lines().findFirst().orElse("unknown").strip();
        } catch (IOException e) {
            throw new SandboxException("cannot run " + qemu + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while asking QEMU for its version");
        }
    }

    /** QEMU gives up root once set up: to "nobody" when this server runs as root and that user exists. */
    static String unprivilegedUser() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return null;
        }
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith("nobody:")) ? "nobody"
                    : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Under TCG the guest's TSC ticks at the host's rate, and the guest cannot measure it (microvm has no timer to
     * calibrate against), so it is told. The host kernel's own calibration is the best figure; /proc/cpuinfo's (the
     * TSC rate on virtual and constant-TSC hosts) is rounded so that the template's key stays the same.
     */
    static long hostTscKhz() {
        try {
            Process dmesg = new ProcessBuilder("dmesg").redirectErrorStream(true).start();
            String log = new String(dmesg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            dmesg.waitFor(5, TimeUnit.SECONDS);
            java.util.regex.Matcher mhz = java.util.regex.Pattern
                    .compile("tsc: (?:Refined TSC clocksource calibration:|Detected) ([0-9]+)\\.([0-9]{3}) MHz")
                    .matcher(log);
            long khz = 0;
            while (mhz.find()) {
                khz = Long.parseLong(mhz.group(1)) * 1000 + Long.parseLong(mhz.group(2)); // the refined one comes last
            }
            if (khz > 0) {
                return khz;
            }
        } catch (IOException | RuntimeException e) {
            // fall back
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("cpu MHz")) {
                    double mhz = Double.parseDouble(line.substring(line.indexOf(':') + 1).strip());
                    return Math.round(mhz / 10) * 10_000;
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // fall through
        }
        return 2_000_000;
    }

    @Override
    public String status() {
        if (closed) {
            return "qemu: shut down";
        }
        if (!prepared.isDone()) {
            return "qemu: preparing the template VM (once per guest image)";
        }
        Prepared ready;
        try {
            ready = prepared.getNow(null);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return "qemu: unavailable: " + cause.getMessage();
        }
        String problem = refillProblem;
        return "qemu (" + ready.accel().reason() + "): " + admission.live() + " live of " + admission.capacity() + ", "
                + admission.waiting() + " waiting, " + pool.size() + " pooled" + (problem == null ? "" : "; last "
                + "restore failed: " + problem);
    }

    @Override
    public Load load() {
        return new Load(admission.live(), admission.capacity(), admission.waiting(), pool.size());
    }

    /** Our QEMU processes alive right now (tests and the bench use it). */
    public List<Long> qemuProcesses() {
        return Reaper.running(runDir);
    }

    /** Paused VMs waiting in the pool. */
    public int pooled() {
        return pool.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        preparer.interrupt();
        signalRefill();
        List<Vm> idle = new ArrayList<>();
        pool.drainTo(idle);
        idle.forEach(Vm::kill);
        for (VmChannel channel : List.copyOf(active)) {
            channel.close();
        }
        timer.shutdownNow();
        try {
            preparer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.forEach(Vm::kill); // restored while closing
        Reaper.stopWatchdog(watchdog);
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            if (runLockFile != null) {
                runLockFile.close(); // releases the lock
            }
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
