package dev.bpflab.agent.bpf;

/** Errno values as words a learner can act on. */
final class Errno {
    static final int EPERM = 1, ENOENT = 2, ESRCH = 3, E2BIG = 7, EINVAL = 22, EOPNOTSUPP = 95;

    private Errno() {
    }

    /** The errno's symbol, e.g. "EPERM", for the few a probe meets; "errno N" for others. */
    static String symbol(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case ESRCH -> "ESRCH";
            case E2BIG -> "E2BIG";
            case 13 -> "EACCES";
            case 14 -> "EFAULT";
            case 16 -> "EBUSY";
            case EINVAL -> "EINVAL";
            case 38 -> "ENOSYS";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case 524 -> "ENOTSUPP"; // the kernel's own, not libc's: "operation not supported" inside BPF
            default -> "errno " + errno;
        };
    }

    static String describe(int errno) {
        return LibC.INSTANCE.strerror(errno) + " (errno " + errno + ")";
    }

    static String hintForLoad(int errno) {
        return switch (errno) {
            case EPERM -> ". Loading BPF needs root (CAP_BPF + CAP_PERFMON); some program types (fentry/fexit, lsm) are "
                    + "also refused by a kernel in lockdown mode — try the qemu sandbox, whose kernel allows them";
            case EINVAL -> ". The kernel does not accept this program or map as written: check the SEC() name and map definitions";
            case E2BIG -> ". The program or a map is too large for this kernel";
            default -> "";
        };
    }

    static String hintForAttach(int errno, String section) {
        return switch (errno) {
            case ENOENT -> ". Nothing by that name exists: check the tracepoint, function or program file in SEC(\""
                    + section + "\") (tracepoints are listed under /sys/kernel/tracing/events; a uprobe names a "
                    + "program file and one of its functions, as in uprobe//usr/local/bin/bpflab-demo:greet)";
            case ESRCH -> ". The function or tracepoint in SEC(\"" + section + "\") was not found in this kernel";
            case EOPNOTSUPP -> ". libbpf cannot attach SEC(\"" + section + "\") automatically; use a section such as "
                    + "tp/<category>/<name>, raw_tp/<name>, fentry/<function>, kprobe/<function>, lsm/<hook>, xdp, "
                    + "uprobe/<binary>:<function>, uretprobe/<binary>:<function> or usdt/<binary>:<provider>:<name> "
                    + "(the demo program: uprobe//usr/local/bin/bpflab-demo:greet, "
                    + "usdt//usr/local/bin/bpflab-demo:bpflab:round)";
            case EPERM -> ". This kernel refused the attachment (lockdown or missing capability)";
            default -> "";
        };
    }
}
