package dev.bpflab.sandbox.qemu;

import dev.bpflab.sandbox.SandboxException;
import dev.bpflab.support.process.ProcessTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** How QEMU runs the guest's CPU: KVM (hardware virtualisation) or TCG (software emulation). */
enum Accel {
    KVM(List.of("-accel", "kvm", "-cpu", "host")),
    // TCG translates guest code into a buffer per VM; 256 MiB holds a JVM and clang without flushing.
    TCG(List.of("-accel", "tcg,tb-size=256", "-cpu", "max"));

    private final List<String> arguments;

    Accel(List<String> arguments) {
        this.arguments = arguments;
    }

    List<String> arguments() {
        return arguments;
    }

    String label() {
        return name().toLowerCase();
    }

    /** The outcome of choosing: the accelerator and why, for status(). */
    record Choice(Accel accel, String reason) {
    }

    /**
     * {@code auto}: KVM if a probe guest actually runs on it (an openable /dev/kvm is not enough: some hosts expose
     * one that never runs a guest), else TCG. {@code kvm}: KVM or an error. {@code tcg}: TCG.
     */
    static Choice choose(String setting, Path qemu, Path image, Path runDir) throws SandboxException {
        if (setting.equals("tcg")) {
            return new Choice(TCG, "tcg (configured)");
        }
        String kvmProblem = probeKvm(qemu, image, runDir);
        if (kvmProblem == null) {
            return new Choice(KVM, "kvm (probe guest ran)");
        }
        if (setting.equals("kvm")) {
            throw new SandboxException("bpflab.qemu.accel=kvm, but KVM does not run guests here: " + kvmProblem
                    + "; set bpflab.qemu.accel=tcg (or auto) to use software emulation");
        }
        return new Choice(TCG, "tcg (" + kvmProblem + ")");
    }

    /** Boots the guest kernel without a root filesystem; under working KVM it panics within a second. */
    static String probeKvm(Path qemu, Path image, Path runDir) {
        Path kvm = Path.of("/dev/kvm");
        if (!Files.exists(kvm)) {
            return "no /dev/kvm";
        }
        if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) {
            return "/dev/kvm is not accessible";
        }
        // Not Command.run(): the answer is the panic line, so reading stops there and the probe is killed (its whole
        // tree) rather than waiting for QEMU to end by itself after the panic, which may take a while on microvm.
        ProcessTree tree;
        try {
            Path pidDir = Files.createDirectories(runDir.resolve("kvm-probe")); // where the reaper looks
            tree = ProcessTree.start(new ProcessBuilder(Machine.probeCommand(qemu, image, KVM, pidDir.resolve("pid")))
                    .redirectErrorStream(true));
        } catch (IOException e) {
            return "cannot start " + qemu + ": " + e.getMessage();
        }
        Process probe = tree.process();
        try {
            probe.getOutputStream().close();
            String output = readFor(probe.getInputStream(), 8_000, "Kernel panic");
            return output.contains("Kernel panic") ? null
                    : "a probe guest did not boot on /dev/kvm within 8 s" + lastLine(output);
        } catch (IOException e) {
            return "probe failed: " + e.getMessage();
        } finally {
            tree.kill();
            try {
                probe.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Reads until {@code marker} shows up, the stream ends or the time is up; keeps at most 64 KiB. */
    private static String readFor(InputStream in, long millis, String marker) throws IOException {
        long deadline = System.currentTimeMillis() + millis;
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (System.currentTimeMillis() < deadline && !text.toString().contains(marker)) {
            if (in.available() == 0) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                continue;
            }
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            if (text.length() > 65536) {
                text.delete(0, text.length() - 65536);
            }
        }
        return text.toString();
    }

    private static String lastLine(String output) {
        String[] lines = output.strip().split("\n");
        String last = lines[lines.length - 1].strip();
        return last.isEmpty() ? "" : " (last output: " + last + ")";
    }
}
