package dev.bpflab.agent.bpf;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.bpflab.protocol.AgentMessage;
import dev.bpflab.protocol.KernelFeature;
import dev.bpflab.support.process.Command;
import dev.bpflab.support.process.ProcessResult;
import java.io.IOException;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * Finds out what the running kernel can do for BPF programs ({@link KernelFeature}) by trying each thing, never from
 * the release number: a distribution may turn a feature off, and a kernel in lockdown refuses some. kprobe, fentry
 * and LSM: a two-instruction program ({@code r0 = 0; exit}) of that kind is loaded and attached, then closed; ring
 * buffers: libbpf creates one; kfuncs and open-coded iterators: a kfunc each kind brought is looked up in the
 * kernel's BTF. Everything made is closed before a probe returns.
 */
public final class KernelProbe {
    /** struct bpf_insn ×2: {@code r0 = 0} (BPF_ALU64|BPF_MOV|BPF_K, 0xb7) then {@code exit} (BPF_JMP|BPF_EXIT, 0x95). */
    private static final byte[] RETURN_ZERO = {(byte) 0xb7, 0, 0, 0, 0, 0, 0, 0, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0};
    /**
     * sizeof(struct bpf_prog_load_opts) up to {@code log_buf} (libbpf 1.1's last field; later libbpf accepts this
     * smaller size): sz@0 (size_t), attempts@8, expected_attach_type@12, prog_btf_fd@16, prog_flags@20,
     * prog_ifindex@24, kern_version@28, attach_btf_id@32, attach_prog_fd@36, attach_btf_obj_fd@40, fd_array@48,
     * func_info@56, …, log_buf@96 (x86_64 and aarch64 alike; checked by KernelProbeLayoutTest).
     */
    static final int LOAD_OPTS_SIZE = 104;
    static final int LOAD_OPTS_EXPECTED_ATTACH_TYPE = 12;
    static final int LOAD_OPTS_ATTACH_BTF_ID = 32;
    /** PERF_ATTR_SIZE_VER5: struct perf_event_attr through aux_watermark, which kernels since 4.1 accept. */
    static final int PERF_ATTR_SIZE = 112;
    /** perf_event_attr: type@0 (u32), size@4 (u32), config@8, …, config1@56 (kprobe_func), config2@64 (probe_offset). */
    static final int PERF_ATTR_CONFIG1 = 56;
    /** _IOW('$', 8, __u32): gives a perf event a BPF program to run. */
    private static final long PERF_EVENT_IOC_SET_BPF = 0x40042408L;
    /** A function every kernel has, with BTF, and that kprobes may probe. */
    private static final String TARGET_FUNCTION = "vfs_read";
    /** An LSM hook every kernel has; libbpf looks up {@code bpf_lsm_file_open}. */
    private static final String TARGET_LSM_HOOK = "file_open";
    private static final Path KPROBE_PMU_TYPE = Path.of("/sys/bus/event_source/devices/kprobe/type");
    private static final Path ACTIVE_LSMS = Path.of("/sys/kernel/security/lsm");

    private final Map<KernelFeature, Boolean> found = new EnumMap<>(KernelFeature.class);
    private final Map<KernelFeature, String> why = new EnumMap<>(KernelFeature.class);

    private KernelProbe() {
    }

    /** Probes every feature of this kernel; a probe that cannot tell says no, with a note saying why. */
    public static AgentMessage.Features probe() {
        KernelProbe probe = new KernelProbe();
        probe.kprobe();
        probe.tracing(KernelFeature.FENTRY, LibBpf.BPF_PROG_TYPE_TRACING, LibBpf.BPF_TRACE_FENTRY, TARGET_FUNCTION);
        probe.lsm();
        probe.ringbuf();
        probe.kfuncs();
        return AgentMessage.Features.of(probe.found, probe.why);
    }

    private void says(KernelFeature feature, boolean has, String note) {
        found.put(feature, has);
        if (note != null) {
            why.put(feature, note);
        }
    }

    /** Loads and attaches a fentry or LSM program to {@code target}; true when both worked (noted otherwise). */
    private boolean tracing(KernelFeature feature, int progType, int attachType, String target) {
        int btfId = LibBpf.INSTANCE.libbpf_find_vmlinux_btf_id(target, attachType);
        if (btfId <= 0) {
            says(feature, false, "the kernel's BTF has no " + target + ": " + Errno.symbol(-btfId)
                    + " (no /sys/kernel/btf/vmlinux?)");
            return false;
        }
        int prog;
        try (Memory opts = new Memory(LOAD_OPTS_SIZE)) {
            opts.clear();
            opts.setLong(0, LOAD_OPTS_SIZE);
            opts.setInt(LOAD_OPTS_EXPECTED_ATTACH_TYPE, attachType);
            opts.setInt(LOAD_OPTS_ATTACH_BTF_ID, btfId);
            prog = load(progType, opts);
        }
        if (prog < 0) {
            says(feature, false, "load failed: " + refusal(-prog));
            return false;
        }
        try {
            int link = LibBpf.INSTANCE.bpf_raw_tracepoint_open(null, prog);
            if (link < 0) {
                says(feature, false, "attach failed: " + refusal(-link));
                return false;
            }
            LibC.INSTANCE.close(link); // detaches
            says(feature, true, null);
            return true;
        } finally {
            LibC.INSTANCE.close(prog);
        }
    }

    /**
     * An LSM program must attach, and {@code bpf} must be an active LSM: without it the program attaches but the
     * hooks never call it.
     */
    private void lsm() {
        if (!tracing(KernelFeature.LSM, LibBpf.BPF_PROG_TYPE_LSM, LibBpf.BPF_LSM_MAC, TARGET_LSM_HOOK)) {
            return;
        }
        String active;
        try {
            mountSecurityfs();
            active = Files.readString(ACTIVE_LSMS).strip();
        } catch (IOException e) {
            says(KernelFeature.LSM, false, "could not read " + ACTIVE_LSMS + " (" + e.getMessage() + "): an LSM "
                    + "program attaches, but whether bpf is an active LSM is unknown");
            return;
        }
        if (!java.util.Arrays.asList(active.split(",")).contains("bpf")) {
            says(KernelFeature.LSM, false, "the active LSMs do not include bpf: " + active
                    + " (boot with lsm=...,bpf)");
        }
    }

    /**
     * A kprobe program loaded and attached through the kprobe PMU (perf_event_open with the PMU's type, then
     * PERF_EVENT_IOC_SET_BPF), as libbpf attaches kprobes on kernels since 4.17.
     */
    private void kprobe() {
        int pmuType;
        try {
            pmuType = Integer.parseInt(Files.readString(KPROBE_PMU_TYPE).strip());
        } catch (IOException | NumberFormatException e) {
            says(KernelFeature.KPROBE, false, "this kernel has no kprobe PMU (" + KPROBE_PMU_TYPE
                    + " is missing): no kprobes");
            return;
        }
        int prog = load(LibBpf.BPF_PROG_TYPE_KPROBE, null);
        if (prog < 0) {
            says(KernelFeature.KPROBE, false, "load failed: " + refusal(-prog));
            return;
        }
        try (Memory attr = new Memory(PERF_ATTR_SIZE); Memory function = new Memory(TARGET_FUNCTION.length() + 1)) {
            function.setString(0, TARGET_FUNCTION, "US-ASCII");
            attr.clear();
            attr.setInt(0, pmuType);
            attr.setInt(4, PERF_ATTR_SIZE);
            attr.setPointer(PERF_ATTR_CONFIG1, function); // config2 (offset into the function) stays 0
            // pid -1, cpu 0: every process on one CPU, as libbpf opens kprobes; no group; PERF_FLAG_FD_CLOEXEC (8)
            int event = (int) LibC.INSTANCE.syscall(perfEventOpen(), attr, -1, 0, -1, 8);
            if (event < 0) {
                says(KernelFeature.KPROBE, false, "perf_event_open failed: " + refusal(Native.getLastError()));
                return;
            }
            try {
                if (LibC.INSTANCE.ioctl(event, PERF_EVENT_IOC_SET_BPF, prog) < 0) {
                    says(KernelFeature.KPROBE, false, "attach failed: " + refusal(Native.getLastError()));
                    return;
                }
                says(KernelFeature.KPROBE, true, null);
            } finally {
                LibC.INSTANCE.close(event); // detaches
            }
        } finally {
            LibC.INSTANCE.close(prog);
        }
    }

    /**
     * The guest's init mounts no securityfs (nor does a minimal system), and the active LSMs are only listed there:
     * mounted here when missing, as the agent mounts tracefs.
     */
    private static void mountSecurityfs() throws IOException {
        if (Files.exists(ACTIVE_LSMS)) {
            return;
        }
        try {
            ProcessResult mounted = Command.of("mount", "-t", "securityfs", "securityfs", ACTIVE_LSMS.getParent().toString())
                    .withTimeout(Duration.ofSeconds(10)).withOutputCap(4096).run();
            if (!mounted.succeeded()) {
                throw new IOException("securityfs is not mounted and mounting it failed: " + (mounted.timedOut()
                        ? "mount did not finish within 10 s" : mounted.output().strip()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while mounting securityfs");
        }
    }

    private void ringbuf() {
        int answer = LibBpf.INSTANCE.libbpf_probe_bpf_map_type(LibBpf.BPF_MAP_TYPE_RINGBUF, null);
        says(KernelFeature.RINGBUF, answer == 1, answer == 1 ? null : answer == 0
                ? "the kernel does not create BPF_MAP_TYPE_RINGBUF maps"
                : "creating a ring buffer failed: " + refusal(-answer));
    }

    /** kfuncs: {@code bpf_cast_to_kern_ctx} (6.2); open-coded iterators: {@code bpf_iter_num_new} (6.4). */
    private void kfuncs() {
        Pointer btf = LibBpf.INSTANCE.btf__load_vmlinux_btf();
        if (btf == null) {
            String note = "the kernel's BTF could not be read: " + refusal(Native.getLastError());
            says(KernelFeature.KFUNCS, false, note);
            says(KernelFeature.OPEN_CODED_ITERATORS, false, note);
            return;
        }
        try {
            kfunc(btf, KernelFeature.KFUNCS, "bpf_cast_to_kern_ctx");
            kfunc(btf, KernelFeature.OPEN_CODED_ITERATORS, "bpf_iter_num_new");
        } finally {
            LibBpf.INSTANCE.btf__free(btf);
        }
    }

    private void kfunc(Pointer btf, KernelFeature feature, String name) {
        boolean has = LibBpf.INSTANCE.btf__find_by_name_kind(btf, name, LibBpf.BTF_KIND_FUNC) > 0;
        says(feature, has, has ? null : "the kernel's BTF has no kfunc " + name);
    }

    private static int load(int progType, Pointer opts) {
        try (Memory insns = new Memory(RETURN_ZERO.length)) {
            insns.write(0, RETURN_ZERO, 0, RETURN_ZERO.length);
            // fentry and LSM programs must be GPL; the name shows in bpftool while the probe runs
            return LibBpf.INSTANCE.bpf_prog_load(progType, "bpflab_probe", "GPL", insns, RETURN_ZERO.length / 8, opts);
        }
    }

    /** "EPERM (Operation not permitted; the kernel is in lockdown?)": an errno, and what it usually means here. */
    private static String refusal(int errno) {
        String meaning = errno == Errno.EPERM ? "; the kernel is in lockdown?" : "";
        return Errno.symbol(errno) + " (" + LibC.INSTANCE.strerror(errno) + meaning + ")";
    }

    /** __NR_perf_event_open of this machine's architecture. */
    private static long perfEventOpen() {
        return switch (System.getProperty("os.arch")) {
            case "aarch64" -> 241;
            default -> 298; // x86_64
        };
    }
}
