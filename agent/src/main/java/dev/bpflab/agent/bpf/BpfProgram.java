package dev.bpflab.agent.bpf;

import com.sun.jna.Pointer;

/** A program inside a {@link BpfObject}; valid only while its object is open. */
public final class BpfProgram {
    private final Pointer program;

    BpfProgram(Pointer program) {
        this.program = program;
    }

    public String name() {
        return LibBpf.INSTANCE.bpf_program__name(program);
    }

    public String section() {
        return LibBpf.INSTANCE.bpf_program__section_name(program);
    }

    public boolean isXdp() {
        return type() == LibBpf.BPF_PROG_TYPE_XDP;
    }

    /** Whether libbpf loads it as an iterator: a section libbpf's table lists as "iter/…" or "iter.s/…". */
    public boolean isIterator() {
        return LibBpf.INSTANCE.bpf_program__expected_attach_type(program) == LibBpf.BPF_TRACE_ITER;
    }

    /**
     * The kernel's id of the loaded program (what {@code bpftool prog} lists); 0 before load or when the kernel
     * does not say. A program that keeps its id was not reloaded.
     */
    public int id() {
        int fd = LibBpf.INSTANCE.bpf_program__fd(program);
        if (fd < 0) {
            return 0;
        }
        // struct bpf_prog_info { __u32 type; __u32 id; … }: the kernel fills only the bytes asked for, so 8 will do.
        try (com.sun.jna.Memory info = new com.sun.jna.Memory(8)) {
            info.clear();
            com.sun.jna.ptr.IntByReference length = new com.sun.jna.ptr.IntByReference(8);
            return LibBpf.INSTANCE.bpf_obj_get_info_by_fd(fd, info, length) == 0 ? info.getInt(4) : 0;
        }
    }

    int type() {
        return LibBpf.INSTANCE.bpf_program__type(program);
    }

    boolean autoload() {
        return LibBpf.INSTANCE.bpf_program__autoload(program);
    }

    Pointer pointer() {
        return program;
    }
}
