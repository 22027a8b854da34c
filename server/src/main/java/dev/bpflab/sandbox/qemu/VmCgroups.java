package dev.bpflab.sandbox.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * A cgroup v2 of its own for each VM's QEMU, with a memory cap ({@code memory.max}: the guest's RAM plus what QEMU
 * itself needs, so that a VM that swells is killed alone instead of the host's OOM killer picking a victim) and an
 * equal CPU weight, so that no VM takes more CPU than any other when they compete. The VMs' cgroups are children of
 * one {@code bpflab-vms} cgroup, a sibling of the server's own: under full load the VMs together get as much CPU as
 * the server, which stays responsive.
 *
 * <p>Where the cgroups go ({@code bpflab.qemu.cgroup}):
 * <ul>
 * <li>{@code auto}: under the server's own cgroup (systemd: the unit needs {@code Delegate=yes}). If that cgroup
 * holds processes, the server first moves them to a child {@code bpflab-server}, since cgroup v2 lets only a cgroup
 * without processes of its own share controllers with its children; it does so only when they are all its own (a
 * service's cgroup), never in a cgroup it shares with others (a login session). In the root cgroup (containers)
 * nothing moves.</li>
 * <li>a path under {@code /sys/fs/cgroup}: a cgroup prepared for bpflab, with no processes of its own.</li>
 * <li>{@code none}: no caps.</li>
 * </ul>
 * When the host has no cgroup v2 with the memory and cpu controllers (cgroup v1 or hybrid hosts) or they cannot be
 * written, VMs run without caps and {@link #describe} says why.
 */
final class VmCgroups {
    private static final Logger LOG = Logger.getLogger(VmCgroups.class);
    private static final Path MOUNT = Path.of("/sys/fs/cgroup");
    private static final Set<String> NEEDED = Set.of("memory", "cpu");

    private final Path parent; // null: off
    private final String why;

    private VmCgroups(Path parent, String why) {
        this.parent = parent;
        this.why = why;
    }

    /**
     * The cgroups for VMs as {@code setting} says ({@code auto}, {@code none} or a cgroup directory); never fails:
     * when cgroups cannot be used the result is off, with the reason.
     */
    static VmCgroups open(String setting) {
        if (setting.equals("none")) {
            return off("bpflab.qemu.cgroup=none");
        }
        if (!Files.isRegularFile(MOUNT.resolve("cgroup.controllers"))) {
            return off("this host has no cgroup v2 hierarchy at " + MOUNT + " (cgroup v1 or hybrid)");
        }
        try {
            Path parent;
            if (setting.equals("auto")) {
                parent = prepareOwn(ownCgroup()).resolve("bpflab-vms");
                Files.createDirectories(parent);
            } else {
                parent = Path.of(setting).toAbsolutePath().normalize();
                if (!parent.startsWith(MOUNT) || !Files.isDirectory(parent)) {
                    return off("bpflab.qemu.cgroup is neither auto, none nor a cgroup directory under " + MOUNT
                            + ": " + setting);
                }
            }
            String missing = missingControllers(parent);
            if (missing != null) {
                return off(missing);
            }
            enableForChildren(parent);
            return new VmCgroups(parent, null);
        } catch (IOException | RuntimeException e) {
            return off("cannot set up cgroups for the VMs: " + e.getMessage());
        }
    }

    private static VmCgroups off(String why) {
        return new VmCgroups(null, why);
    }

    /** The cgroup this process is in, from /proc/self/cgroup's v2 line ("0::/path"). */
    static Path ownCgroup() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            if (line.startsWith("0::")) {
                String relative = line.substring(3);
                return relative.equals("/") ? MOUNT : MOUNT.resolve(relative.substring(1));
            }
        }
        throw new IOException("this process is in no cgroup v2");
    }

    /**
     * Makes {@code own} able to share its controllers with children: moves its processes to a leaf child unless it is
     * the root cgroup (exempt from that rule) or already shares them. Returns {@code own}.
     */
    private static Path prepareOwn(Path own) throws IOException {
        String missing = missingControllers(own);
        if (missing != null) {
            throw new IOException(missing);
        }
        if (own.equals(MOUNT) || enabledForChildren(own).containsAll(NEEDED)) {
            return own;
        }
        for (String pid : Files.readAllLines(own.resolve("cgroup.procs"))) {
            if (!isThisServer(Long.parseLong(pid.strip()))) {
                throw new IOException("the server shares its cgroup " + own + " with other processes (pid " + pid.strip()
                        + "): run it as a service with Delegate=yes, or set bpflab.qemu.cgroup to a cgroup for the VMs");
            }
        }
        Path server = own.resolve("bpflab-server");
        Files.createDirectories(server);
        // Processes the server starts meanwhile land in own; a few rounds catch them.
        for (int round = 0; round < 5; round++) {
            for (String pid : Files.readAllLines(own.resolve("cgroup.procs"))) {
                try {
                    Files.writeString(server.resolve("cgroup.procs"), pid);
                } catch (IOException e) {
                    // it ended meanwhile
                }
            }
            try {
                enableForChildren(own);
                LOG.infof("moved the server's processes to %s so that VMs get cgroups of their own", server);
                return own;
            } catch (IOException e) {
                // EBUSY: a process was still in own
            }
        }
        throw new IOException("processes keep appearing in " + own + ", so its children cannot get controllers");
    }

    /** This JVM or a process it started. */
    private static boolean isThisServer(long pid) {
        ProcessHandle self = ProcessHandle.current();
        for (var at = ProcessHandle.of(pid); at.isPresent(); at = at.get().parent()) {
            if (at.get().pid() == self.pid()) {
                return true;
            }
        }
        return ProcessHandle.of(pid).isEmpty(); // ended meanwhile
    }

    private static String missingControllers(Path cgroup) throws IOException {
        Set<String> available = Set.of(Files.readString(cgroup.resolve("cgroup.controllers")).strip().split("\\s+"));
        if (available.containsAll(NEEDED)) {
            return null;
        }
        return "the cgroup " + cgroup + " has the controllers " + available + ", not memory and cpu (cgroup v1 holds "
                + "them, or the cgroup was not delegated: systemd Delegate=yes)";
    }

    private static Set<String> enabledForChildren(Path cgroup) throws IOException {
        return Set.of(Files.readString(cgroup.resolve("cgroup.subtree_control")).strip().split("\\s+"));
    }

    private static void enableForChildren(Path cgroup) throws IOException {
        Files.writeString(cgroup.resolve("cgroup.subtree_control"), "+memory +cpu");
    }

    boolean enabled() {
        return parent != null;
    }

    /** For the log: where the VMs' cgroups are, or why there are none. */
    String describe() {
        return parent != null ? "cgroup v2 caps per VM under " + parent : "no cgroup caps (" + why + ")";
    }

    /**
     * Makes the cgroup {@code name} (unique on the host) for one VM: memory capped at {@code memoryBytes}, CPU weight
     * 100 (the default, so all VMs weigh the same). Returns its directory, or null when cgroups are off.
     *
     * @throws IOException the cgroup cannot be made or capped
     */
    Path create(String name, long memoryBytes) throws IOException {
        if (parent == null) {
            return null;
        }
        Path cgroup = parent.resolve(name);
        remove(cgroup); // left by a server that died
        Files.createDirectory(cgroup);
        try {
            Files.writeString(cgroup.resolve("memory.max"), Long.toString(memoryBytes));
            Files.writeString(cgroup.resolve("cpu.weight"), "100");
        } catch (IOException e) {
            remove(cgroup);
            throw new IOException("cannot cap the VM's cgroup " + cgroup + ": " + e.getMessage(), e);
        }
        return cgroup;
    }

    /**
     * The CPU weight of a VM's cgroup as a nice value (-20..19): between cgroups the scheduler weighs groups, not
     * processes, so the renice of a VM restored for the pool only counts through its cgroup. Best effort.
     */
    static void setNice(Path cgroup, int nice) {
        if (cgroup == null) {
            return;
        }
        try {
            Files.writeString(cgroup.resolve("cpu.weight.nice"), Integer.toString(nice));
        } catch (IOException e) {
            // the VM runs at the default weight
        }
    }

    /** Removes a VM's cgroup once its processes are gone (rmdir of a cgroup; its files go with it). */
    static void remove(Path cgroup) {
        if (cgroup == null || !Files.isDirectory(cgroup)) {
            return;
        }
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                Files.delete(cgroup);
                return;
            } catch (IOException e) {
                Vm.sleep(10); // the last process is still being torn down
            }
        }
        LOG.warnf("cannot remove the VM cgroup %s; it is removed when a VM of that name starts again", cgroup);
    }

    /** Removes the cgroups of VMs whose names start with {@code prefix} (a server's run directory) that are empty. */
    void removeLeftovers(String prefix) {
        if (parent == null) {
            return;
        }
        try (Stream<Path> children = Files.list(parent)) {
            List<Path> ours = children.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && Files.isDirectory(p)).toList();
            ours.forEach(VmCgroups::remove);
        } catch (IOException ignored) {
            // nothing to clean
        }
    }
}
