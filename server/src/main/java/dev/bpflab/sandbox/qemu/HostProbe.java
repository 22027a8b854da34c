package dev.bpflab.sandbox.qemu;

import dev.bpflab.sandbox.SandboxException;
import dev.bpflab.support.process.Command;
import dev.bpflab.support.process.Executables;
import dev.bpflab.support.process.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What this host gives the guests: the QEMU binary and its version, the accelerator (KVM if it really runs guests,
 * else TCG) and the TSC rate a TCG guest is told. Together they make the {@link Machine}.
 */
final class HostProbe {
    private static final Pattern TSC_MHZ =
            Pattern.compile("tsc: (?:Refined TSC clocksource calibration:|Detected) ([0-9]+)\\.([0-9]{3}) MHz");
    /** Bytes of the kernel log searched for the TSC rate; the kernel's own ring buffer is rarely larger. */
    private static final int DMESG_CAP = 4 * 1024 * 1024;

    /** The machine for an image on this host, how the accelerator was chosen and QEMU's version line. */
    record Probed(Machine machine, Accel.Choice accel, String qemuVersion) {
    }

    private HostProbe() {
    }

    /** Probes the host for a VM of {@code image}; the KVM probe boots a guest and is remembered (see below). */
    static Probed probe(QemuSettings settings, Path qemu, Path image, Path runDir) throws SandboxException, IOException {
        String version = qemuVersion(qemu);
        Accel.Choice accel = chooseAccel(settings, qemu, image, runDir, version);
        Machine machine = new Machine(qemu, image, accel.accel(), settings.memoryMiB(), hostTscKhz());
        return new Probed(machine, accel, version);
    }

    /**
     * The QEMU binary, absolute: {@code binary} itself when it has a slash, else looked up as {@link Executables#find}
     * does (PATH, then /usr/sbin and /sbin).
     */
    static Path resolveQemu(Path binary) throws SandboxException {
        Optional<Path> found = Executables.find(binary.toString());
        if (found.isPresent()) {
            return found.get().toAbsolutePath();
        }
        throw new SandboxException("QEMU (" + binary + ") is not installed: run `apt-get install qemu-system-x86`, "
                + "or use bpflab.sandbox.backend=local");
    }

    /**
     * Probing KVM costs seconds (and a broken KVM spins a core meanwhile), so the outcome is remembered until the host
     * reboots or QEMU changes.
     */
    private static Accel.Choice chooseAccel(QemuSettings settings, Path qemu, Path image, Path runDir, String version)
            throws SandboxException, IOException {
        if (!settings.accel().equals("auto")) {
            return Accel.choose(settings.accel(), qemu, image, runDir);
        }
        String bootId = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
        Path remembered = settings.kvmProbeMemo();
        String key = bootId + " " + GuestFiles.sha256(version).substring(0, 12);
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

    /** QEMU's version line, e.g. "QEMU emulator version 7.2.15 (Debian 1:7.2+dfsg-7+deb12u12)". */
    static String qemuVersion(Path qemu) throws SandboxException {
        try {
            ProcessResult version = Command.of(qemu.toString(), "--version").withStderrMerged()
                    .withTimeout(Duration.ofSeconds(10)).run();
            if (!version.succeeded()) {
                throw new SandboxException("`" + qemu + " --version` " + (version.timedOut()
                        ? "did not finish within 10 s" : "failed with status " + version.exitCode()) + ": "
                        + version.output());
            }
            return version.stdout().lines().findFirst().orElse("unknown").strip();
        } catch (IOException e) {
            throw new SandboxException("cannot run " + qemu + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while asking QEMU for its version");
        }
    }

    /**
     * Under TCG the guest's TSC ticks at the host's rate, and the guest cannot measure it (microvm has no timer to
     * calibrate against), so it is told. The host kernel's own calibration is the best figure; /proc/cpuinfo's (the
     * TSC rate on virtual and constant-TSC hosts) is rounded so that the saved VM's key stays the same.
     */
    static long hostTscKhz() {
        try {
            // The calibration is logged in the first seconds of boot: near the start of the ring buffer, if still there.
            ProcessResult dmesg = Command.of("dmesg").withTimeout(Duration.ofSeconds(5)).withOutputCap(DMESG_CAP).run();
            Matcher mhz = TSC_MHZ.matcher(dmesg.stdout());
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
}
