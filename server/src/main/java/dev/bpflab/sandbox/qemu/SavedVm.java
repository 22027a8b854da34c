package dev.bpflab.sandbox.qemu;

import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.AgentMessage;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.sandbox.SandboxException;
import dev.bpflab.support.files.FileTrees;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The saved VM every run's VM is restored from (QEMU calls this VM templating; bpflab's "templates" are programs, so
 * here it is the saved VM): booted once, with the agent warmed up (vmlinux.h and its PCH built inside the guest from
 * the guest kernel's BTF, libbpf loaded) and waiting for its first message. Kept on disk per image and machine
 * configuration in {@code GUEST_DIR/saved-vms/vm-KEY/}, so a restarted server does not boot again.
 *
 * <p>Files: {@code memory} (the guest's RAM, mapped copy-on-write by clones through a sealed copy, {@link TemplateRam};
 * root's and read-only, so no VM's user can write it), {@code state} (device state), {@code ready} (the agent's ready
 * line), {@code complete} (written last: a directory without it is never used).
 */
record SavedVm(Path dir, Path memory, byte[] state, String readyLine) {
    private static final Logger LOG = Logger.getLogger(SavedVm.class);
    private static final Object IN_PROCESS = new Object();
    /** Where servers before the rename kept saved VMs ({@code GUEST_DIR/templates/template-KEY}). */
    static final String OLD_DIR = "templates";

    /** The saved VM for this image, QEMU and machine: read from disk, or booted and saved now (minutes under TCG). */
    static SavedVm obtain(Machine machine, VmIsolation isolation, Path savedVmsDir, Path runDir, String imageId,
            String qemuVersion, Duration bootTimeout, AgentCommand.Warmup warmup) throws SandboxException {
        String key = GuestFiles.sha256(imageId + "\n" + qemuVersion + "\n" + machine.fingerprint()).substring(0, 16);
        Path dir = savedVmsDir.resolve("vm-" + key);
        synchronized (IN_PROCESS) {
            try {
                Files.createDirectories(savedVmsDir);
                try (FileChannel lockFile = FileChannel.open(savedVmsDir.resolve(".lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
                    adoptOldLayout(savedVmsDir);
                    if (!Files.isRegularFile(dir.resolve("complete"))) {
                        create(machine, isolation, dir, runDir, bootTimeout, warmup);
                        prune(savedVmsDir, dir);
                    }
                    return new SavedVm(dir, dir.resolve("memory"), Files.readAllBytes(dir.resolve("state")),
                            Files.readString(dir.resolve("ready")).strip());
                }
            } catch (IOException e) {
                throw new SandboxException("cannot prepare the saved VM in " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Moves complete saved VMs of the old layout ({@code templates/template-KEY}, same keys) to
     * {@code saved-vms/vm-KEY} and removes the rest of the old directory, so an upgraded server boots no VM again.
     * Returns how many it moved.
     */
    static int adoptOldLayout(Path savedVmsDir) throws IOException {
        Path old = savedVmsDir.resolveSibling(OLD_DIR);
        if (!Files.isDirectory(old)) {
            return 0;
        }
        int moved = 0;
        try (Stream<Path> dirs = Files.list(old)) {
            for (Path candidate : dirs.toList()) {
                String name = candidate.getFileName().toString();
                if (!name.startsWith("template-") || name.endsWith(".tmp")
                        || !Files.isRegularFile(candidate.resolve("complete"))) {
                    continue;
                }
                Path target = savedVmsDir.resolve("vm-" + name.substring("template-".length()));
                if (!Files.exists(target)) {
                    Files.move(candidate, target, StandardCopyOption.ATOMIC_MOVE);
                    moved++;
                }
            }
        }
        FileTrees.delete(old);
        if (moved > 0) {
            LOG.infof("moved %d saved VM(s) from %s to %s", moved, old, savedVmsDir);
        }
        return moved;
    }

    private static void create(Machine machine, VmIsolation isolation, Path dir, Path runDir, Duration bootTimeout,
            AgentCommand.Warmup warmup) throws IOException, SandboxException {
        long started = System.nanoTime();
        Path work = dir.resolveSibling(dir.getFileName() + ".tmp");
        FileTrees.delete(work);
        Files.createDirectories(work);
        LOG.infof("booting the VM to save (%s); this takes a while once per image", machine.accel().label());
        Vm vm = Vm.start(machine, isolation, runDir, "boot", work.resolve("memory"), Machine.Role.BOOT);
        try {
            String hello = vm.controlCommand("hello", bootTimeout);
            if (!hello.equals("ok hello")) {
                throw new SandboxException("the guest's control daemon answered '" + hello + "'");
            }
            AgentMessage first = vm.agentMessage(bootTimeout);
            if (first instanceof ServerMessage.Error error) {
                throw new SandboxException("the agent in the booting VM could not start: " + error.message()
                        + consoleNote(vm));
            }
            if (!(first instanceof AgentMessage.Ready ready)) {
                throw new SandboxException("the agent in the booting VM wrote " + Vm.brief(first)
                        + " before it was ready" + consoleNote(vm));
            }
            // Classes loaded and code compiled by the agent's warm-up run are saved with the VM: every clone has them.
            vm.agentWarmup(warmup, bootTimeout);
            byte[] state = VmMigration.save(vm);
            vm.quit();
            makeReadOnly(work.resolve("memory"));
            Files.write(work.resolve("state"), state);
            Files.writeString(work.resolve("ready"), RunJson.write(ready) + "\n", StandardCharsets.UTF_8);
            Files.writeString(work.resolve("machine"), machine.fingerprint() + "\n", StandardCharsets.UTF_8);
            Files.createFile(work.resolve("complete"));
            FileTrees.delete(dir);
            Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
            LOG.infof("saved VM stored in %s (%d s, device state %d KiB)", dir,
                    Duration.ofNanos(System.nanoTime() - started).toSeconds(), state.length / 1024);
        } catch (IOException e) {
            throw new SandboxException("the VM to save did not come up: " + e.getMessage() + consoleNote(vm), e);
        } finally {
            vm.kill();
            FileTrees.delete(work);
        }
    }

    /** The boot VM's user wrote the RAM file; from now on it is root's, and nobody's to write. */
    static void makeReadOnly(Path memory) throws IOException {
        Files.setAttribute(memory, "unix:uid", 0);
        Files.setAttribute(memory, "unix:gid", 0);
        Files.setPosixFilePermissions(memory, PosixFilePermissions.fromString("r--r--r--"));
    }

    private static String consoleNote(Vm vm) {
        String console = vm.console().text().strip();
        if (console.isEmpty()) {
            return "";
        }
        String[] lines = console.split("\r?\n");
        return "; guest console ends with: " + String.join(" | ",
                List.of(lines).subList(Math.max(0, lines.length - 5), lines.length));
    }

    /** Old saved VMs go; the one in use stays. Another server on an older image may still map one: keep one spare. */
    private static void prune(Path savedVmsDir, Path keep) throws IOException {
        try (Stream<Path> dirs = Files.list(savedVmsDir)) {
            List<Path> candidates = dirs.filter(p -> p.getFileName().toString().startsWith("vm-")
                    && !p.equals(keep)).toList();
            // Half-saved VMs of a server that died (we hold the lock, so none is at work) go first.
            for (Path unfinished : candidates) {
                if (unfinished.getFileName().toString().endsWith(".tmp")) {
                    FileTrees.delete(unfinished);
                }
            }
            List<Path> old = candidates.stream().filter(Files::exists)
                    .sorted(Comparator.comparing(SavedVm::modified).reversed()).toList();
            for (Path stale : old.subList(Math.min(1, old.size()), old.size())) {
                FileTrees.delete(stale);
            }
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
