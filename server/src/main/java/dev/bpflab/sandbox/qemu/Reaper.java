package dev.bpflab.sandbox.qemu;

import dev.bpflab.support.files.FileTrees;
import dev.bpflab.support.process.ProcessTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Makes sure no VM outlives the server that started it. Every QEMU of ours is named {@value Machine#PROCESS_NAME}
 * (its /proc comm), writes a pidfile into its directory in the server's run directory and names that directory on
 * its command line.
 * <ul>
 * <li>At start-up, {@link #reapLeftovers} kills whatever a previous server that died there (kill -9, OOM) left.</li>
 * <li>While the server runs, a watchdog child process holds a pipe from it; when the server dies, however it dies,
 * the pipe closes and the watchdog kills the VMs listed in the run directory. Java has no PR_SET_PDEATHSIG.</li>
 * </ul>
 */
final class Reaper {
    private Reaper() {
    }

    /** Kills QEMU processes of ours left in {@code runDir} and removes their files; returns how many it killed. */
    static int reapLeftovers(Path runDir) throws IOException {
        // A dead server's QEMUs are no ProcessTree of this one: they are found by name and command line instead.
        List<ProcessHandle> ours = new ArrayList<>();
        try (Stream<Path> pids = Files.list(Path.of("/proc"))) {
            pids.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .forEach(p -> {
                        long pid = Long.parseLong(p.getFileName().toString());
                        if (isOurs(pid, runDir)) {
                            ProcessHandle.of(pid).ifPresent(ours::add);
                        }
                    });
        }
        for (ProcessHandle process : ours) {
            process.destroyForcibly();
        }
        for (ProcessHandle process : ours) {
            try {
                process.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // a zombie of another parent is still gone for our purposes
            }
        }
        try (Stream<Path> files = Files.list(runDir)) {
            for (Path file : files.toList()) {
                if (!file.getFileName().toString().equals(".lock")) {
                    FileTrees.delete(file);
                }
            }
        }
        return ours.size();
    }

    /** A bpflab QEMU whose command line points into {@code runDir}. */
    static boolean isOurs(long pid, Path runDir) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            if (!Files.readString(proc.resolve("comm")).strip().equals(Machine.PROCESS_NAME)) {
                return false;
            }
            String commandLine = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
            return commandLine.contains(runDir.toString() + "/");
        } catch (IOException e) {
            return false; // gone, or not ours to read
        }
    }

    /** Our QEMU processes in {@code runDir} now (for status and tests). */
    static List<Long> running(Path runDir) {
        try (Stream<Path> pids = Files.list(Path.of("/proc"))) {
            return pids.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong).filter(pid -> isOurs(pid, runDir)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Starts the watchdog: a shell that waits for end of input on its stdin (a pipe from this JVM), then kills the
     * pidfiles' processes if they are still bpflab QEMUs. Closing its stdin (or dying) fires it.
     *
     * <p>Not a {@link dev.bpflab.support.process.Command}: it lives as long as the server and must outlive the server's
     * death to do its work; it is started as a {@link ProcessTree} so that an orderly stop kills whatever it left.
     */
    static ProcessTree startWatchdog(Path runDir) throws IOException {
        String script = "while read -r _; do :; done\n"
                + "for f in \"$1\"/*/pid; do\n"
                + "  [ -f \"$f\" ] || continue\n"
                + "  pid=$(cat \"$f\" 2>/dev/null)\n"
                + "  [ -n \"$pid\" ] && [ \"$(cat /proc/$pid/comm 2>/dev/null)\" = \"" + Machine.PROCESS_NAME + "\" ]"
                + " && kill -9 \"$pid\"\n"
                + "  rm -f \"$f\"\n"
                + "done\n";
        return ProcessTree.start(new ProcessBuilder("/bin/sh", "-c", script, "bpflab-qemu-watchdog", runDir.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD));
    }

    /** Fires the watchdog now (orderly shutdown), waits for it (at most 5 s), then kills what is left of it. */
    static void stopWatchdog(Optional<ProcessTree> watchdog) {
        watchdog.ifPresent(tree -> {
            try {
                tree.process().getOutputStream().close();
                tree.process().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException ignored) {
                // already gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                tree.kill();
            }
        });
    }
}
