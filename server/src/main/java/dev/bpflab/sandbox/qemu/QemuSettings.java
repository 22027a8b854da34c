package dev.bpflab.sandbox.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the qemu backend can be told. Build one with {@link #defaults()} and the {@code with…} methods.
 *
 * @param qemuBinary           the QEMU system emulator ({@code qemu-system-x86_64}, looked up in PATH when a bare name)
 * @param guestDir             the guest image root: {@code build-image.sh}'s OUT_DIR, holding {@code current/} (the
 *                             image), {@code saved-vms/} (the VM every run's VM is restored from, one per image and
 *                             machine configuration) and {@code kvm-probe} (whether KVM ran a guest since boot)
 * @param imageBuilder         {@code server/src/main/guest/build-image.sh}, run at start-up so the image matches the agent,
 *                             or null to use the image as it is; a build still running when the backend closes or the
 *                             server dies is killed, and the next start rebuilds what it left unfinished
 * @param agentDir             where the agent jars are ({@code agent/target/}); only used with {@code imageBuilder}
 * @param runDir               sockets and pidfiles of this server's VMs; one server per directory (a lock enforces it),
 *                             and whatever QEMU a crashed server left there is killed at the next start
 * @param accel                {@code auto} (KVM when a probe guest runs on it, else TCG), {@code kvm} or {@code tcg}
 * @param memoryMiB            guest RAM, also the cap on what a run can make the guest use
 * @param poolSize             restored VMs kept paused, ready to be handed out
 * @param restoresAtOnce       VMs the pool restores (and, under TCG, warms up) at the same time: a CPU budget
 * @param maxLive              VMs serving runs at once; later acquirers queue, first come first served
 * @param maxRunTime           a VM is killed after serving a run this long, whatever the run loop does
 * @param outputBytesPerSecond the agent's output is read no faster than this (the guest waits; nothing is lost)
 * @param maxLineBytes         a longer agent line is thrown away unread (the run loop counts it)
 * @param bootTimeout          how long the one-time boot of the VM to save may take until the agent is ready
 * @param kernels              the guest kernels runs may choose, the default first: ids {@code build-image.sh --kernel}
 *                             knows ({@link #KERNELS}); each has its image and saved VMs in {@code guestDir/ID/}
 * @param extraPoolSize        restored VMs kept paused for each kernel but the default ({@code poolSize} is the
 *                             default kernel's); each extra kernel restores one VM at a time
 */
public record QemuSettings(Path qemuBinary, Path guestDir, Path imageBuilder, Path agentDir, Path runDir, String accel,
        int memoryMiB, int poolSize, int restoresAtOnce, int maxLive, Duration maxRunTime, long outputBytesPerSecond,
        int maxLineBytes, Duration bootTimeout, List<String> kernels, int extraPoolSize) {

    /** The kernels {@code build-image.sh --kernel} builds, id → the name shown until its image says its own. */
    public static final java.util.Map<String, String> KERNELS = java.util.Map.of(
            "debian12", "Debian 12 (bookworm)", "debian13", "Debian 13 (trixie)", "debian-testing", "Debian testing");
    public static final String DEFAULT_KERNEL = "debian12";

    public static final Path DEFAULT_GUEST_DIR = Path.of("/var/cache/bpflab-guest");
    public static final Path DEFAULT_RUN_DIR = Path.of("/run/bpflab-qemu");

    public QemuSettings {
        Objects.requireNonNull(qemuBinary, "qemuBinary");
        Objects.requireNonNull(guestDir, "guestDir");
        Objects.requireNonNull(runDir, "runDir");
        Objects.requireNonNull(maxRunTime, "maxRunTime");
        Objects.requireNonNull(bootTimeout, "bootTimeout");
        if (!accel.equals("auto") && !accel.equals("kvm") && !accel.equals("tcg")) {
            throw new IllegalArgumentException("bpflab.qemu.accel must be auto, kvm or tcg, not '" + accel + "'");
        }
        if (memoryMiB < 256) {
            throw new IllegalArgumentException("a guest needs at least 256 MiB of memory (clang and a JVM run in it)");
        }
        if (poolSize < 0 || maxLive < 1 || restoresAtOnce < 1) {
            throw new IllegalArgumentException("pool size must be >= 0, max live >= 1 and restores at once >= 1");
        }
        if (imageBuilder != null && agentDir == null) {
            throw new IllegalArgumentException("building the image needs the agent directory (agent/target/)");
        }
        kernels = List.copyOf(Objects.requireNonNull(kernels, "kernels"));
        if (kernels.isEmpty() || kernels.stream().anyMatch(k -> !KERNELS.containsKey(k))
                || kernels.stream().distinct().count() != kernels.size()) {
            throw new IllegalArgumentException("bpflab.qemu.kernels must list kernel ids once each, the default first, "
                    + "from " + new java.util.TreeSet<>(KERNELS.keySet()) + "; was " + kernels);
        }
        if (extraPoolSize < 0) {
            throw new IllegalArgumentException("the extra kernels' pool size must be >= 0");
        }
        if (runDir.toAbsolutePath().toString().length() > 80) {
            throw new IllegalArgumentException("the run directory path is too long for unix sockets: " + runDir);
        }
    }

    public static QemuSettings defaults() {
        return new QemuSettings(Path.of("qemu-system-x86_64"), DEFAULT_GUEST_DIR, null, null, DEFAULT_RUN_DIR, "auto",
                768, 2, 1, 40, Duration.ofMinutes(35), 4L << 20, 4 << 20, Duration.ofMinutes(5), List.of(DEFAULT_KERNEL), 1);
    }

    public QemuSettings withQemuBinary(Path value) {
        return new QemuSettings(value, guestDir, imageBuilder, agentDir, runDir, accel, memoryMiB, poolSize,
                restoresAtOnce, maxLive, maxRunTime, outputBytesPerSecond, maxLineBytes, bootTimeout, kernels, extraPoolSize);
    }

    public QemuSettings withGuestDir(Path value) {
        return new QemuSettings(qemuBinary, value, imageBuilder, agentDir, runDir, accel, memoryMiB, poolSize,
                restoresAtOnce, maxLive, maxRunTime, outputBytesPerSecond, maxLineBytes, bootTimeout, kernels, extraPoolSize);
    }

    /** Build (or check) the image at start-up with {@code script}, from the agent jars in {@code agentDirectory}. */
    public QemuSettings withImageBuilder(Path script, Path agentDirectory) {
        return new QemuSettings(qemuBinary, guestDir, script, agentDirectory, runDir, accel, memoryMiB, poolSize,
                restoresAtOnce, maxLive, maxRunTime, outputBytesPerSecond, maxLineBytes, bootTimeout, kernels, extraPoolSize);
    }

    public QemuSettings withRunDir(Path value) {
        return new QemuSettings(qemuBinary, guestDir, imageBuilder, agentDir, value, accel, memoryMiB, poolSize,
                restoresAtOnce, maxLive, maxRunTime, outputBytesPerSecond, maxLineBytes, bootTimeout, kernels, extraPoolSize);
    }

    public QemuSettings withAccel(String value) {
        return new QemuSettings(qemuBinary, guestDir, imageBuilder, agentDir, runDir, value, memoryMiB, poolSize,
                restoresAtOnce, maxLive, maxRunTime, outputBytesPerSecond, maxLineBytes, bootTimeout, kernels, extraPoolSize);
    }

    public QemuSettings withMemoryMiB(int value) {
        return new QemuSettings(qemuBinary, guestDir, imageBuilder, agentDir, runDir, accel, value, poolSize,
                restoresAtOnce, maxLive, maxRunTime, outputBytesPerSecond, maxLineBytes, bootTimeout, kernels, extraPoolSize);
    }

    public QemuSettings withPoolSize(int value) {
        return new QemuSettings(qemuBinary, guestDir, imageBuilder, agentDir, runDir, accel, memoryMiB, value,
                restoresAtOnce, maxLive, maxRunTime, outputBytesPerSecond, maxLineBytes, bootTimeout, kernels, extraPoolSize);
    }

    public QemuSettings withRestoresAtOnce(int value) {
        return new QemuSettings(qemuBinary, guestDir, imageBuilder, agentDir, runDir, accel, memoryMiB, poolSize, value,
                maxLive, maxRunTime, outputBytesPerSecond, maxLineBytes, bootTimeout, kernels, extraPoolSize);
    }

    public QemuSettings withMaxLive(int value) {
        return new QemuSettings(qemuBinary, guestDir, imageBuilder, agentDir, runDir, accel, memoryMiB, poolSize,
                restoresAtOnce, value, maxRunTime, outputBytesPerSecond, maxLineBytes, bootTimeout, kernels, extraPoolSize);
    }

    public QemuSettings withMaxRunTime(Duration value) {
        return new QemuSettings(qemuBinary, guestDir, imageBuilder, agentDir, runDir, accel, memoryMiB, poolSize,
                restoresAtOnce, maxLive, value, outputBytesPerSecond, maxLineBytes, bootTimeout, kernels, extraPoolSize);
    }

    public QemuSettings withOutputLimits(long bytesPerSecond, int lineBytes) {
        return new QemuSettings(qemuBinary, guestDir, imageBuilder, agentDir, runDir, accel, memoryMiB, poolSize,
                restoresAtOnce, maxLive, maxRunTime, bytesPerSecond, lineBytes, bootTimeout, kernels, extraPoolSize);
    }

    public QemuSettings withBootTimeout(Duration value) {
        return new QemuSettings(qemuBinary, guestDir, imageBuilder, agentDir, runDir, accel, memoryMiB, poolSize,
                restoresAtOnce, maxLive, maxRunTime, outputBytesPerSecond, maxLineBytes, value, kernels, extraPoolSize);
    }

    public QemuSettings withKernels(List<String> ids, int extraPool) {
        return new QemuSettings(qemuBinary, guestDir, imageBuilder, agentDir, runDir, accel, memoryMiB, poolSize,
                restoresAtOnce, maxLive, maxRunTime, outputBytesPerSecond, maxLineBytes, bootTimeout, ids, extraPool);
    }

    /** {@code kernel}'s images: {@code build-image.sh --kernel ID}'s OUT_DIR. */
    Path kernelDir(String kernel) {
        return guestDir.resolve(kernel);
    }

    Path imageDir(String kernel) {
        return kernelDir(kernel).resolve("current");
    }

    /** Each kernel's saved VMs apart: preparing one prunes the saved VMs of its directory that are not its own. */
    Path savedVmsDir(String kernel) {
        return kernelDir(kernel).resolve("saved-vms");
    }

    /** VMs paused in {@code kernel}'s pool: {@link #poolSize} for the default, {@link #extraPoolSize} for others. */
    int poolSize(String kernel) {
        return kernel.equals(kernels.get(0)) ? poolSize : extraPoolSize;
    }

    /** VMs {@code kernel}'s pool restores at once. */
    int restoresAtOnce(String kernel) {
        return kernel.equals(kernels.get(0)) ? restoresAtOnce : 1;
    }

    /**
     * Whether guests will run under TCG, as far as is known before the host probe: configured so, no {@code /dev/kvm},
     * or the last probe of {@code auto} chose TCG. For defaults that depend on it (an idle TCG guest costs CPU).
     */
    public boolean likelyTcg() {
        if (!accel.equals("auto")) {
            return accel.equals("tcg");
        }
        if (!Files.exists(Path.of("/dev/kvm"))) {
            return true;
        }
        try {
            List<String> memo = Files.readAllLines(kvmProbeMemo());
            return memo.size() > 1 && memo.get(1).equals(Accel.TCG.name());
        } catch (IOException e) {
            return false; // never probed: KVM is there and probably works
        }
    }

    /** Remembers how the KVM probe went until the host reboots or QEMU changes (see HostProbe). */
    Path kvmProbeMemo() {
        return guestDir.resolve("kvm-probe");
    }
}
