package dev.bpflab.support.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A started process together with everything it starts, so that all of it can be killed at once (Linux).
 *
 * <p>{@link ProcessHandle#descendants()} only sees processes whose parent is still alive: a grandchild whose parent
 * exited is re-parented to init and would escape, still holding the pipes. So each tree also marks its root with an
 * environment variable of its own, {@code BPFLAB_TREE_<random>=1}, which every descendant inherits, and a kill also
 * looks for that mark in {@code /proc/<pid>/environ}. A descendant that both outlives its parent and starts with an
 * emptied environment (env -i, bwrap --clearenv) is not found; bubblewrap's {@code --die-with-parent} covers the
 * compiler. Reading other users' environments needs root; without it only this user's processes are found.
 */
public final class ProcessTree {
    static final String MARK_PREFIX = "BPFLAB_TREE_";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Path PROC = Path.of("/proc");
    private static final long KILL_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final Process root;
    private final byte[] mark; // "BPFLAB_TREE_<hex>=1", as it appears in an environ block

    private ProcessTree(Process root, String mark) {
        this.root = root;
        this.mark = mark.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Starts {@code builder}'s process with the tree's mark added to its environment (the builder keeps it).
     * @throws IOException as {@link ProcessBuilder#start()}
     */
    public static ProcessTree start(ProcessBuilder builder) throws IOException {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        String name = MARK_PREFIX + HexFormat.of().formatHex(random);
        builder.environment().put(name, "1");
        return new ProcessTree(builder.start(), name + "=1");
    }

    /** The process that was started. */
    public Process process() {
        return root;
    }

    public long pid() {
        return root.pid();
    }

    /**
     * The tree's live processes now: the root, its descendants, every process carrying the mark and their
     * descendants. Never this JVM. Zombies (exited, not yet reaped) count as gone.
     */
    public Set<ProcessHandle> members() {
        Set<ProcessHandle> found = new LinkedHashSet<>();
        addWithDescendants(root.toHandle(), found);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                // the handle first: it pins the process by start time, so a reused pid is never killed
                Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(name));
                if (process.isPresent() && carriesMark(entry)) {
                    addWithDescendants(process.get(), found);
                }
            }
        } catch (IOException | SecurityException e) {
            // no /proc: the root and its live descendants are all that can be found
        }
        found.remove(ProcessHandle.current());
        return found;
    }

    /**
     * Kills every member with SIGKILL, again and again while new ones appear (a member may be forking), for up to
     * 3 s. Safe to call any number of times, also after the root has exited.
     * @return how many distinct processes were sent the signal
     */
    public int kill() {
        Set<ProcessHandle> killed = new LinkedHashSet<>();
        long deadline = System.nanoTime() + KILL_PATIENCE_NANOS;
        while (true) {
            Set<ProcessHandle> members = members();
            if (members.isEmpty()) {
                break;
            }
            // the root comes first, so it stops forking new members soonest
            for (ProcessHandle process : members) {
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

    private static void addWithDescendants(ProcessHandle process, Set<ProcessHandle> found) {
        if (isLive(process)) {
            found.add(process);
        }
        process.descendants().filter(ProcessTree::isLive).forEach(found::add);
    }

    private static boolean isLive(ProcessHandle process) {
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

    private boolean carriesMark(Path procEntry) {
        byte[] environ;
        try {
            environ = Files.readAllBytes(procEntry.resolve("environ"));
        } catch (IOException | SecurityException e) {
            return false; // gone, a kernel thread, or another user's
        }
        // entries are NUL-terminated "NAME=value" strings
        int start = 0;
        for (int i = 0; i <= environ.length; i++) {
            if (i == environ.length || environ[i] == 0) {
                if (i - start == mark.length && regionEquals(environ, start)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    private boolean regionEquals(byte[] environ, int offset) {
        for (int i = 0; i < mark.length; i++) {
            if (environ[offset + i] != mark[i]) {
                return false;
            }
        }
        return true;
    }

    /** For messages: "pid 4242 (rm -f x)". */
    @Override
    public String toString() {
        return "pid " + root.pid() + root.info().commandLine().map(c -> " (" + c + ")").orElse("");
    }
}
