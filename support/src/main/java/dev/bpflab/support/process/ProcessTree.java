package dev.bpflab.support.process;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A started process together with everything it starts, so that all of it can be killed at once (Linux).
 *
 * <p>{@link ProcessHandle#descendants()} only sees processes whose parent is still alive: a grandchild whose parent
 * exited is re-parented to init and would escape, still holding the pipes. So each tree also marks its root with an
 * environment variable of its own, {@code BPFLAB_TREE_<random>=1}, which every descendant inherits, and a kill also
 * looks for that mark ({@link MarkedProcesses}). A descendant that both outlives its parent and starts with an
 * emptied environment (env -i, bwrap --clearenv) is not found; bubblewrap's {@code --die-with-parent} covers the
 * compiler. Reading other users' environments needs root; without it only this user's processes are found.
 */
public final class ProcessTree {
    static final String MARK_PREFIX = "BPFLAB_TREE_";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration KILL_PATIENCE = Duration.ofSeconds(3);

    private final Process root;
    private final String mark; // "BPFLAB_TREE_<hex>=1", as it appears in an environ block

    private ProcessTree(Process root, String mark) {
        this.root = root;
        this.mark = mark;
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
        MarkedProcesses.carrying(mark).forEach(process -> addWithDescendants(process, found));
        found.remove(ProcessHandle.current());
        return found;
    }

    /**
     * Kills every member with SIGKILL, again and again while new ones appear (a member may be forking), for up to
     * 3 s. Safe to call any number of times, also after the root has exited.
     * @return how many distinct processes were sent the signal
     */
    public int kill() {
        // the root comes first in members(), so it stops forking new members soonest
        return MarkedProcesses.killUntilGone(this::members, KILL_PATIENCE);
    }

    private static void addWithDescendants(ProcessHandle process, Set<ProcessHandle> found) {
        if (MarkedProcesses.isLive(process)) {
            found.add(process);
        }
        process.descendants().filter(MarkedProcesses::isLive).forEach(found::add);
    }

    /** For messages: "pid 4242 (rm -f x)". */
    @Override
    public String toString() {
        return "pid " + root.pid() + root.info().commandLine().map(c -> " (" + c + ")").orElse("");
    }
}
