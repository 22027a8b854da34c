package dev.bpflab.support.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Finds processes by an environment entry they inherited ({@code NAME=value} in {@code /proc/<pid>/environ}), and
 * kills a changing set of processes until none is left (Linux). A mark survives what {@link ProcessHandle#descendants()}
 * loses: a grandchild re-parented to init, or a process left by a server that died. Reading other users'
 * environments needs root; without it only this user's processes are found.
 */
public final class MarkedProcesses {
    private static final Path PROC = Path.of("/proc");

    private MarkedProcesses() {
    }

    /**
     * The live processes (never this JVM, never a zombie) whose environment holds exactly {@code entry}, e.g.
     * {@code "BPFLAB_TREE_1f2e=1"}. Empty where there is no /proc.
     */
    public static Set<ProcessHandle> carrying(String entry) {
        byte[] wanted = entry.getBytes(StandardCharsets.UTF_8);
        Set<ProcessHandle> found = new LinkedHashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path proc : entries) {
                String name = proc.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                // the handle first: it pins the process by start time, so a reused pid is never taken for it
                Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(name));
                if (process.isPresent() && isLive(process.get()) && holds(proc, wanted)) {
                    found.add(process.get());
                }
            }
        } catch (IOException | SecurityException e) {
            // no /proc: nothing can be found by mark
        }
        found.remove(ProcessHandle.current());
        return found;
    }

    /**
     * SIGKILLs what {@code members} returns, again and again while it returns any (a member may be forking), for up
     * to {@code patience}.
     * @return how many distinct processes were sent the signal
     */
    public static int killUntilGone(Supplier<Set<ProcessHandle>> members, Duration patience) {
        Set<ProcessHandle> killed = new LinkedHashSet<>();
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            Set<ProcessHandle> now = members.get();
            if (now.isEmpty()) {
                break;
            }
            for (ProcessHandle process : now) {
                if (process.destroyForcibly()) {
                    killed.add(process);
                }
            }
            if (System.nanoTime() > deadline) {
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // let the kernel deliver the signals
        }
        return killed.size();
    }

    /** Alive and not a zombie: an exited process waiting to be reaped holds nothing and cannot be killed again. */
    static boolean isLive(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            // "pid (comm) S ...": the state letter follows the last ')' (comm itself may contain one)
            String stat = Files.readString(PROC.resolve(process.pid() + "/stat"), StandardCharsets.ISO_8859_1);
            int close = stat.lastIndexOf(')');
            char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false; // gone meanwhile
        }
    }

    private static boolean holds(Path proc, byte[] wanted) {
        byte[] environ;
        try {
            environ = Files.readAllBytes(proc.resolve("environ"));
        } catch (IOException | SecurityException e) {
            return false; // gone, a kernel thread, or another user's
        }
        // entries are NUL-terminated "NAME=value" strings: a match is a whole entry
        int start = 0;
        for (int i = 0; i <= environ.length; i++) {
            if (i == environ.length || environ[i] == 0) {
                if (i - start == wanted.length && regionEquals(environ, start, wanted)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    private static boolean regionEquals(byte[] environ, int offset, byte[] wanted) {
        for (int i = 0; i < wanted.length; i++) {
            if (environ[offset + i] != wanted[i]) {
                return false;
            }
        }
        return true;
    }
}
