package dev.bpflab.agent.bpf;

/** The kernel (or libbpf) refused to attach a program that loaded: which program, its section and the errno. */
public final class AttachException extends BpfException {
    public static final int EACCES = 13;
    public static final int EINVAL = 22;

    private final String program;
    private final String section;
    private final int errno;

    AttachException(String program, String section, int errno, String message) {
        super(message);
        this.program = program;
        this.section = section;
        this.errno = errno;
    }

    /** The program's name (its C function). */
    public String program() {
        return program;
    }

    /** Its SEC() name, e.g. "tracepoint/syscalls/sys_enter_unlinkat". */
    public String section() {
        return section;
    }

    /** Why, as an errno (13: EACCES, 22: EINVAL, …). */
    public int errno() {
        return errno;
    }

    /** The errno in words, e.g. "Permission denied (errno 13)". */
    public String errnoText() {
        return Errno.describe(errno);
    }
}
