package dev.bpflab.sandbox.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What an image build into a directory has running and mounted, seen from outside (command lines, working and root
 * directories, the mount table), independent of how the backend tracks its builds.
 */
final class BuildWatch {
    private BuildWatch() {
    }

    /** Processes whose command line names {@code dir} or whose working or root directory is below it. */
    static List<ProcessHandle> processesIn(Path dir) {
        String prefix = dir.toAbsolutePath().normalize().toString();
        long self = ProcessHandle.current().pid();
        List<ProcessHandle> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.toList()) {
                String name = proc.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == self) {
                    continue;
                }
                if (mentions(proc, prefix)) {
                    ProcessHandle.of(Long.parseLong(name)).filter(ProcessHandle::isAlive).ifPresent(found::add);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return found;
    }

    private static boolean mentions(Path proc, String prefix) {
        try {
            String commandLine = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
            if (commandLine.contains(prefix)) {
                return true;
            }
            for (String link : List.of("cwd", "root")) {
                String target = Files.readSymbolicLink(proc.resolve(link)).toString();
                if (target.equals(prefix) || target.startsWith(prefix + "/")) {
                    return true;
                }
            }
        } catch (IOException e) {
            // gone
        }
        return false;
    }

    /** {@link #processesIn} and all their descendants, as they are now. */
    static Set<ProcessHandle> buildTree(Path dir) {
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        for (ProcessHandle process : processesIn(dir)) {
            tree.add(process);
            process.descendants().forEach(tree::add);
        }
        return tree;
    }

    /** Waits until a process called {@code comm} runs for {@code dir}; fails after {@code timeout}. */
    static void awaitProcess(Path dir, String comm, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (processesIn(dir).stream().noneMatch(p -> comm.equals(comm(p)))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + comm + " for " + dir + " within " + timeout.toSeconds() + " s; "
                        + "running: " + processesIn(dir).stream().map(BuildWatch::comm).toList());
            }
            Thread.sleep(100);
        }
    }

    /** Waits until none of {@code processes} is alive; returns those still alive after {@code timeout}. */
    static List<ProcessHandle> awaitGone(Set<ProcessHandle> processes, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ProcessHandle> alive = processes.stream().filter(ProcessHandle::isAlive).toList();
        while (!alive.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            alive = alive.stream().filter(ProcessHandle::isAlive).toList();
        }
        return alive;
    }

    static String comm(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(process.pid()), "comm")).strip();
        } catch (IOException e) {
            return "(gone)";
        }
    }

    /** Mount points at or below {@code dir} in this process's mount namespace. */
    static List<String> mountsUnder(Path dir) throws IOException {
        String prefix = dir.toAbsolutePath().normalize().toString();
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(line -> line.split(" ")[4])
                .filter(point -> point.equals(prefix) || point.startsWith(prefix + "/")).toList();
    }

    /**
     * Removes {@code dir} as a killed build may have left it: its processes are killed and its mounts detached
     * first, so that deleting it cannot reach into a mounted host directory (mmdebstrap mounts /dev/shm there).
     */
    static void clean(Path dir) throws IOException, InterruptedException {
        for (int round = 0; round < 20 && !processesIn(dir).isEmpty(); round++) {
            processesIn(dir).forEach(ProcessHandle::destroyForcibly);
            awaitGone(Set.copyOf(processesIn(dir)), Duration.ofSeconds(5));
        }
        List<String> mounts = new ArrayList<>(mountsUnder(dir));
        mounts.sort(Comparator.comparing(String::length).reversed());
        for (String point : mounts) {
            new ProcessBuilder("umount", "-l", point).inheritIO().start().waitFor();
        }
        if (!mountsUnder(dir).isEmpty()) {
            throw new IllegalStateException("mounts left under " + dir + ": " + mountsUnder(dir));
        }
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
