package dev.bpflab.sandbox.qemu;

import dev.bpflab.support.process.Executables;
import dev.bpflab.support.system.EffectiveUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What keeps the VMs' QEMU processes apart from each other and from the host, VM by VM: a uid of its own
 * ({@link VmUsers}), taken on before QEMU starts ({@code setpriv}: QEMU never runs as root, so its seccomp sandbox can
 * deny every privilege change, see {@link Machine}), no capabilities, no new privileges, and a cgroup with memory and
 * CPU caps where the host allows ({@link VmCgroups}). A server that is not root cannot change users: its VMs run as
 * itself, which {@link #describe} says.
 */
public final class VmIsolation {
    /**
     * How VMs are kept apart (the {@code bpflab.qemu.*} settings).
     *
     * @param vmUids a uid range such as {@code 64100-64199}, one uid per VM alive at once
     * @param cgroup {@code auto}, {@code none} or a cgroup directory (see {@link VmCgroups})
     */
    public record Settings(String vmUids, String cgroup) {
        public static Settings defaults() {
            return new Settings("64100-64199", "auto");
        }
    }

    /** QEMU's own memory beside the guest's RAM: heap, device buffers, page tables, with room to spare. */
    static final long QEMU_OVERHEAD_MIB = 192;
    /** What a TCG guest adds: its translated code ({@code tb-size} in {@link Accel}). */
    static final long TCG_CODE_MIB = 256;

    private final VmUsers users; // null: not root, VMs run as this server's user
    private final Path setpriv;
    private final VmCgroups cgroups;
    private final String runDirName;

    private VmIsolation(VmUsers users, Path setpriv, VmCgroups cgroups, String runDirName) {
        this.users = users;
        this.setpriv = setpriv;
        this.cgroups = cgroups;
        this.runDirName = runDirName;
    }

    /**
     * The isolation this host allows for the VMs of the server using {@code runDir}, of which up to
     * {@code vmsAtOnce} are alive at once (live, pooled, being restored or booted).
     *
     * @throws IllegalArgumentException the uid range is malformed, or smaller than {@code vmsAtOnce}
     * @throws IOException the server is root but setpriv is missing
     */
    static VmIsolation forHost(Settings settings, Path runDir, int vmsAtOnce) throws IOException {
        VmUsers users = null;
        Path setpriv = null;
        if (EffectiveUser.isRoot()) {
            users = VmUsers.range(settings.vmUids());
            if (users.size() < vmsAtOnce) {
                throw new IllegalArgumentException("bpflab.qemu.vm-uids (" + settings.vmUids() + ") has " + users.size()
                        + " uids, but up to " + vmsAtOnce + " VMs can be alive at once (live runs, the pool, restores "
                        + "and the boot of the saved VM): give it a range of at least " + vmsAtOnce);
            }
            List<String> accounts = users.accountsInRange(Path.of("/etc/passwd"));
            if (!accounts.isEmpty()) {
                throw new IllegalArgumentException("bpflab.qemu.vm-uids (" + settings.vmUids() + ") includes the "
                        + "account(s) " + String.join(", ", accounts) + ": VMs would own their files; choose a range no "
                        + "account uses");
            }
            setpriv = Executables.find("setpriv").orElseThrow(() -> new IOException(
                    "setpriv is missing (each VM's QEMU runs as a user of its own): run `apt-get install util-linux`"));
        }
        VmCgroups cgroups = VmCgroups.open(settings.cgroup());
        String runDirName = runDir.getFileName().toString();
        cgroups.removeLeftovers(runDirName + ".");
        return new VmIsolation(users, setpriv, cgroups, runDirName);
    }

    /** For the log: which user(s) and caps VMs get. */
    String describe() {
        return (users == null ? "VMs run as this server's user (not root: no user per VM)"
                : "a user per VM (" + users.describe() + ")") + ", " + cgroups.describe();
    }

    /**
     * Takes a uid and makes a cgroup for the VM {@code name} (unique in the run directory) with
     * {@code guestMiB} of RAM.
     *
     * @throws IOException no uid is free, or the cgroup cannot be made
     */
    Confinement confine(String name, int guestMiB, Accel accel) throws IOException {
        int uid = users == null ? -1 : users.acquire();
        try {
            long memoryMiB = guestMiB + QEMU_OVERHEAD_MIB + (accel == Accel.TCG ? TCG_CODE_MIB : 0);
            Path cgroup = cgroups.create(runDirName + "." + name, memoryMiB << 20);
            return new Confinement(this, uid, cgroup, accel);
        } catch (IOException | RuntimeException e) {
            if (uid >= 0) {
                users.release(uid);
            }
            throw e;
        }
    }

    /** One VM's share: its uid (-1: this server's own user) and cgroup (null: none). */
    static final class Confinement {
        private final VmIsolation isolation;
        final int uid;
        final Path cgroup;
        private final Accel accel;
        private boolean released;

        private Confinement(VmIsolation isolation, int uid, Path cgroup, Accel accel) {
            this.isolation = isolation;
            this.uid = uid;
            this.cgroup = cgroup;
            this.accel = accel;
        }

        /**
         * The argv that starts {@code qemu} confined: joins the cgroup (a shell writes its own pid, then becomes
         * QEMU, so that everything QEMU allocates is counted), becomes the VM's user without any capability and
         * with no way to gain one, then runs QEMU.
         */
        List<String> launch(List<String> qemu) throws IOException {
            List<String> argv = new ArrayList<>();
            if (cgroup != null) {
                argv.addAll(List.of("/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\"",
                        cgroup.resolve("cgroup.procs").toString()));
            }
            if (uid >= 0) {
                argv.addAll(List.of(isolation.setpriv.toString(), "--reuid=" + uid, "--regid=" + uid));
                Integer kvmGroup = accel == Accel.KVM ? kvmGroup() : null;
                argv.add(kvmGroup == null ? "--clear-groups" : "--groups=" + kvmGroup);
                argv.addAll(List.of("--inh-caps=-all", "--no-new-privs", "--"));
            }
            argv.addAll(qemu);
            return argv;
        }

        /** Gives {@code file} to the VM's user (its socket directory, the boot VM's RAM file). */
        void own(Path file) throws IOException {
            if (uid >= 0) {
                Files.setAttribute(file, "unix:uid", uid);
                Files.setAttribute(file, "unix:gid", uid);
            }
        }

        /** The VM's CPU weight follows its nice value (see {@link VmCgroups#setNice}). */
        void setNice(int nice) {
            VmCgroups.setNice(cgroup, nice);
        }

        /**
         * Gives the uid and cgroup back once {@code qemu} has exited (waits up to 5 s). A QEMU that outlives that
         * keeps them: a uid still in use must not go to another VM.
         */
        void releaseOnceExited(Process qemu) {
            try {
                if (qemu.waitFor(5, TimeUnit.SECONDS)) {
                    release();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Gives the uid back and removes the cgroup; call once QEMU has exited (or never started). Idempotent. */
        synchronized void release() {
            if (released) {
                return;
            }
            released = true;
            VmCgroups.remove(cgroup);
            if (uid >= 0) {
                isolation.users.release(uid);
            }
        }

        /** /dev/kvm's group, which QEMU needs to open it; null when it cannot be told. */
        private static Integer kvmGroup() {
            try {
                return (Integer) Files.getAttribute(Path.of("/dev/kvm"), "unix:gid");
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }
}
