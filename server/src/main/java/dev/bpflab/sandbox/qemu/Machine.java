package dev.bpflab.sandbox.qemu;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The QEMU command line of a bpflab guest. The VM that boots and is saved ({@link SavedVm}) and every VM restored from
 * it must be started with the same machine, so both come from here and differ only in sockets, memory sharing and
 * -incoming.
 *
 * <p>The guest: {@code -M microvm} (virtio-mmio, no PCI), one vCPU, no network device, no display, QEMU's seccomp
 * sandbox with every deny option. QEMU is started as the VM's own unprivileged user ({@link VmIsolation}), never as
 * root. Its RAM is a file: the boot VM writes it ({@code share=on}); clones map the saved VM's RAM copy-on-write
 * ({@code share=off}) from a sealed copy given as their standard input ({@link TemplateRam}) and skip it during restore
 * ({@code x-ignore-shared}), so a restore copies only device state, pages load on demand and pages no clone wrote are
 * shared.
 */
record Machine(Path qemu, Path image, Accel accel, int memoryMiB, long tscKhz) {
    /** Where a clone finds the saved VM's RAM: its standard input, the sealed copy ({@link TemplateRam}). */
    static final String CLONE_RAM = "/proc/self/fd/0";
    /** QEMU's seccomp sandbox, with everything it can deny denied. */
    static final String SECCOMP = "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny";

    /** Process name of every bpflab QEMU (what {@code /proc/PID/comm} shows): the reaper looks for it. */
    static final String PROCESS_NAME = "bpflab-qemu";

    /** What a VM is started for: to boot the guest and be saved, or to be restored from the saved VM. */
    enum Role {
        BOOT, CLONE
    }

    /**
     * The files of one VM, in a directory of its own under the run directory that belongs to the VM's user (QEMU
     * creates its sockets there, also later: the incoming migration) and that no other VM can enter.
     */
    record Sockets(Path dir) {
        static Sockets in(Path runDir, String name) {
            return new Sockets(runDir.resolve(name));
        }

        Path qmp() {
            return dir.resolve("qmp");
        }

        Path agent() {
            return dir.resolve("agent");
        }

        Path control() {
            return dir.resolve("ctl");
        }

        Path console() {
            return dir.resolve("con");
        }

        Path incoming() {
            return dir.resolve("in");
        }

        Path outgoing() {
            return dir.resolve("out");
        }

        Path pidFile() {
            return dir.resolve("pid");
        }

        Path log() {
            return dir.resolve("log");
        }
    }

    String kernelCommandLine() {
        // tsc_early_khz: microvm has no PIT speaker port or HPET to calibrate the TSC against, and without a clock the
        // kernel hangs under TCG. lsm: BPF LSM programs attach. panic=-1: a panic resets, and -no-reboot ends QEMU.
        // norandmaps: a program maps its code at the same addresses every time, so code QEMU translated for one clang
        // run (see Vm.prewarm) serves the next; address randomisation buys nothing in a single-use guest.
        // reboot=t: the reset after a panic is a triple fault, at once. The default tries the keyboard controller
        // first, which microvm lacks, in delay loops that a clone restored under TCG could spin in forever.
        // nowatchdog, tsc=reliable: no soft-lockup timer and no clocksource watchdog waking an idle guest (each wake-up
        // costs host CPU under TCG); a guest descheduled on a busy host would only report lockups that are not its own.
        return "console=ttyS0 panic=-1 reboot=t" + (accel == Accel.TCG ? " tsc_early_khz=" + tscKhz : "")
                + " nowatchdog tsc=reliable"
                + " lsm=lockdown,yama,integrity,bpf mitigations=off norandmaps"
                + " 8250.nr_uarts=1 i8042.noaux i8042.nokbd";
    }

    /**
     * The command line of a guest VM; {@code memoryFile} is the RAM file the boot VM writes. A clone maps its standard
     * input instead ({@link #CLONE_RAM}).
     */
    List<String> command(String name, Sockets sockets, Path memoryFile, Role role) {
        List<String> argv = new ArrayList<>(List.of(qemu.toString(),
                "-name", name + ",process=" + PROCESS_NAME,
                "-M", "microvm,pit=on,pic=on,rtc=on,memory-backend=ram",
                "-object", "memory-backend-file,id=ram,size=" + memoryMiB + "M,mem-path="
                        + (role == Role.BOOT ? memoryFile : CLONE_RAM) + ",share=" + (role == Role.BOOT ? "on" : "off"),
                "-m", memoryMiB + "M", "-smp", "1"));
        argv.addAll(accel.arguments());
        argv.addAll(List.of("-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-kernel", image.resolve("vmlinuz").toString(),
                "-initrd", image.resolve("initrd.img").toString(),
                "-append", kernelCommandLine(),
                "-drive", "id=root,file=" + image.resolve("rootfs.squashfs") + ",format=raw,if=none,readonly=on",
                "-device", "virtio-blk-device,drive=root",
                "-object", "rng-random,id=rng,filename=/dev/urandom", "-device", "virtio-rng-device,rng=rng",
                "-device", "virtio-serial-device",
                "-chardev", "socket,id=ctl,path=" + sockets.control() + ",server=on,wait=off",
                "-device", "virtserialport,chardev=ctl,name=org.bpflab.control",
                "-chardev", "socket,id=agent,path=" + sockets.agent() + ",server=on,wait=off",
                "-device", "virtserialport,chardev=agent,name=org.bpflab.agent",
                "-chardev", "socket,id=con,path=" + sockets.console() + ",server=on,wait=off",
                "-serial", "chardev:con",
                "-chardev", "socket,id=qmp,path=" + sockets.qmp() + ",server=on,wait=off",
                "-mon", "chardev=qmp,mode=control",
                "-pidfile", sockets.pidFile().toString(),
                "-nic", "none",
                // Every deny option: no obsolete system calls, no set*id or capability changes (QEMU starts as its
                // user; -runas would need them), no fork or exec, no scheduler or CPU-affinity changes.
                "-sandbox", SECCOMP));
        if (role == Role.CLONE) {
            argv.addAll(List.of("-incoming", "defer"));
        }
        return argv;
    }

    /** What makes two saved VMs interchangeable: everything on the command line but per-VM paths. */
    /** The same machine booting {@code otherImage} (another guest kernel's image directory). */
    Machine withImage(Path otherImage) {
        return new Machine(qemu, otherImage, accel, memoryMiB, tscKhz);
    }

    String fingerprint() {
        return String.join(" ", command("x", Sockets.in(Path.of("/run"), "x"), Path.of("/mem"), Role.CLONE));
    }

    /** A guest with no root filesystem: the kernel boots until it panics, which proves the accelerator runs guests. */
    static List<String> probeCommand(Path qemu, Path image, Accel accel, Path pidFile) {
        List<String> argv = new ArrayList<>(List.of(qemu.toString(), "-name", "bpflab-probe,process=" + PROCESS_NAME,
                "-M", "microvm,pit=on,pic=on,rtc=on", "-m", "128M", "-smp", "1"));
        argv.addAll(accel.arguments());
        argv.addAll(List.of("-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-kernel", image.resolve("vmlinuz").toString(),
                "-append", "console=ttyS0 panic=-1 rdinit=/bpflab-probe-has-no-init",
                "-serial", "stdio", "-nic", "none", "-sandbox", "on", "-pidfile", pidFile.toString()));
        return argv;
    }
}
