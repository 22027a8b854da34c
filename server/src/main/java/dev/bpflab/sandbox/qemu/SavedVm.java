package dev.bpflab.sandbox.qemu;

import dev.bpflab.sandbox.SandboxException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The saved VM every run's VM is restored from: booted once, with the agent warmed up (vmlinux.h and its PCH built
 * inside the guest from the guest kernel's BTF, libbpf loaded) and waiting for its first message. Kept on disk per
 * image and machine configuration, so a restarted server does not boot again.
 *
 * <p>Files: {@code memory} (the guest's RAM, mapped copy-on-write by clones), {@code state} (device state),
 * {@code ready} (the agent's ready line), {@code agent-warmup} (present when the agent knows the warm-up message).
 */
record Template(Path dir, Path memory, byte[] state, String readyLine, boolean agentWarmup) {
    private static final Logger LOG = Logger.getLogger(Template.class);
    private static final Object IN_PROCESS = new Object();

    static Template obtain(Machine machine, Path templatesDir, Path runDir, String imageId, String qemuVersion,
            Duration bootTimeout) throws SandboxException {
        String key = sha256(imageId + "\n" + qemuVersion + "\n" + machine.fingerprint()).substring(0, 16);
        Path dir = templatesDir.resolve("template-" + key);
        synchronized (IN_PROCESS) {
            try {
                Files.createDirectories(templatesDir);
                try (FileChannel lockFile = FileChannel.open(templatesDir.resolve(".lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
                    if (!Files.isRegularFile(dir.resolve("complete"))) {
                        create(machine, dir, runDir, bootTimeout);
                        prune(templatesDir, dir);
                    }
                    return new Template(dir, dir.resolve("memory"), Files.readAllBytes(dir.resolve("state")),
                            Files.readString(dir.resolve("ready")).strip(), Files.exists(dir.resolve("agent-warmup")));
                }
            } catch (IOException e) {
                throw new SandboxException("cannot prepare the template VM in " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    private static void create(Machine machine, Path dir, Path runDir, Duration bootTimeout)
            throws IOException, SandboxException {
        long started = System.nanoTime();
        Path work = dir.resolveSibling(dir.getFileName() + ".tmp");
        deleteTree(work);
        Files.createDirectories(work);
        LOG.infof("booting the template VM (%s); this takes a while once per image", machine.accel().label());
        Vm vm = Vm.start(machine, runDir, "template", work.resolve("memory"), true);
        try {
            String hello = vm.controlCommand("hello", bootTimeout);
            if (!hello.equals("ok hello")) {
                throw new SandboxException("the guest's control daemon answered '" + hello + "'");
            }
            String ready = vm.agentFirstLine(bootTimeout);
            if (!ready.contains("\"ready\"")) {
                throw new SandboxException("the agent in the template VM could not start: " + ready
                        + consoleNote(vm));
            }
            // Classes loaded and code compiled by the agent's warm-up run are saved with the VM: every clone has them.
            boolean agentWarmup = vm.agentWarmup(bootTimeout);
            byte[] state = vm.save();
            vm.quit();
            Files.write(work.resolve("state"), state);
            Files.writeString(work.resolve("ready"), ready + "\n", StandardCharsets.UTF_8);
            Files.writeString(work.resolve("machine"), machine.fingerprint() + "\n", StandardCharsets.UTF_8);
            if (agentWarmup) {
                Files.createFile(work.resolve("agent-warmup"));
            }
            Files.createFile(work.resolve("complete"));
            deleteTree(dir);
            Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
            LOG.infof("template VM saved in %s (%d s, device state %d KiB)", dir,
                    Duration.ofNanos(System.nanoTime() - started).toSeconds(), state.length / 1024);
        } catch (IOException e) {
            throw new SandboxException("the template VM did not come up: " + e.getMessage() + consoleNote(vm), e);
        } finally {
            vm.kill();
            deleteTree(work);
        }
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

    /** Old templates go; the one in use stays. Another server on an older image may still map one: keep one spare. */
    private static void prune(Path templatesDir, Path keep) throws IOException {
        try (Stream<Path> dirs = Files.list(templatesDir)) {
            List<Path> candidates = dirs.filter(p -> p.getFileName().toString().startsWith("template-")
                    && !p.equals(keep)).toList();
            // Half-made templates of a creator that died (we hold the lock, so none is at work) go first.
            for (Path unfinished : candidates) {
                if (unfinished.getFileName().toString().endsWith(".tmp")) {
                    deleteTree(unfinished);
                }
            }
            List<Path> old = candidates.stream().filter(Files::exists)
                    .sorted(Comparator.comparing(Template::modified).reversed()).toList();
            for (Path stale : old.subList(Math.min(1, old.size()), old.size())) {
                deleteTree(stale);
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

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
