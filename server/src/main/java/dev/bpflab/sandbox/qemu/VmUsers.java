package dev.bpflab.sandbox.qemu;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Hands out one unprivileged uid per live VM from a range no account uses (Debian leaves 60000-64999 to packages that
 * make users on demand; the compile jail has 64999), so that no two VMs' QEMU processes share a user: neither can
 * open the other's socket directory, signal it or read its memory through /proc.
 *
 * <p>A uid is taken by locking {@code LOCK_DIR/UID.lock} for as long as the VM lives, so that servers with separate
 * run directories on one host never hand out the same uid; the lock goes with the process that held it. A uid that
 * some process still runs as (a VM of a server that was just killed) is skipped.
 */
final class VmUsers {
    /** Where the locks are: shared by every bpflab server on the host. */
    static final Path LOCK_DIR = Path.of("/run/bpflab-vm-users");

    private final int first;
    private final int count;
    private final Path lockDir;
    // Guarded by this: the uids this server holds, with their locks.
    private final Map<Integer, FileLock> held = new HashMap<>();

    /**
     * @param first the first uid of the range (above 0)
     * @param count how many uids; at least as many as VMs alive at once (live, pooled, being restored)
     */
    VmUsers(int first, int count, Path lockDir) {
        if (first <= 0 || count < 1 || (long) first + count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bpflab.qemu.vm-uids must be a range of unprivileged uids, e.g. "
                    + "64100-64199, not " + first + " and " + count + " more");
        }
        this.first = first;
        this.count = count;
        this.lockDir = lockDir;
    }

    /**
     * Parses a range such as {@code 64100-64199} (both ends included).
     *
     * @throws IllegalArgumentException not a range of positive uids
     */
    static VmUsers range(String range) {
        String[] ends = range.strip().split("-");
        try {
            if (ends.length == 2) {
                int low = Integer.parseInt(ends[0].strip());
                int high = Integer.parseInt(ends[1].strip());
                if (high >= low) {
                    return new VmUsers(low, high - low + 1, LOCK_DIR);
                }
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("bpflab.qemu.vm-uids must look like 64100-64199, not '" + range + "'");
    }

    /**
     * A uid no other VM on this host has now, held until {@link #release}.
     *
     * @throws IOException every uid of the range is in use (the message says what to raise), or the lock directory
     *                     cannot be used
     */
    synchronized int acquire() throws IOException {
        Files.createDirectories(lockDir);
        Set<Integer> running = uidsOfProcesses();
        for (int uid = first; uid < first + count; uid++) {
            if (held.containsKey(uid) || running.contains(uid)) {
                continue;
            }
            FileChannel file = FileChannel.open(lockDir.resolve(uid + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = file.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // another backend in this JVM holds it
            }
            if (lock == null) {
                file.close();
                continue;
            }
            held.put(uid, lock);
            return uid;
        }
        throw new IOException("all " + count + " VM users (uids " + first + "-" + (first + count - 1)
                + ") are in use: give bpflab.qemu.vm-uids a larger range than live VMs plus the pool");
    }

    /** Gives {@code uid} back; call once no process runs as it any more. */
    synchronized void release(int uid) {
        FileLock lock = held.remove(uid);
        if (lock != null) {
            try {
                lock.channel().close(); // releases the lock
            } catch (IOException ignored) {
                // the lock goes with the channel either way
            }
        }
    }

    /** How many uids this server holds now. */
    synchronized int inUse() {
        return held.size();
    }

    /**
     * Accounts of {@code passwd} (an /etc/passwd) whose uid is in the range, as "name (uid)": a VM running as one
     * would own that account's files.
     */
    List<String> accountsInRange(Path passwd) throws IOException {
        List<String> found = new ArrayList<>();
        for (String line : Files.readAllLines(passwd)) {
            String[] fields = line.split(":");
            try {
                if (fields.length > 2 && Integer.parseInt(fields[2]) >= first
                        && Integer.parseInt(fields[2]) < first + count) {
                    found.add(fields[0] + " (" + fields[2] + ")");
                }
            } catch (NumberFormatException e) {
                // not an account line
            }
        }
        return found;
    }

    /** How many uids the range has. */
    int size() {
        return count;
    }

    String describe() {
        return "uids " + first + "-" + (first + count - 1);
    }

    /** The owners of /proc/PID: a process's effective uid (root for the few that are not dumpable). */
    private Set<Integer> uidsOfProcesses() {
        Set<Integer> uids = new HashSet<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    int uid = (Integer) Files.getAttribute(p, "unix:uid");
                    if (uid >= first && uid < first + count) {
                        uids.add(uid);
                    }
                } catch (IOException | RuntimeException e) {
                    // the process ended meanwhile
                }
            });
        } catch (IOException e) {
            // no /proc: the locks alone decide
        }
        return uids;
    }
}
