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
        ProgramInfo info = info();
        return info == null ? 0 : info.id();
    }

    /** What the kernel says of the loaded program (id, sizes, instructions verified); null before load. */
    public ProgramInfo info() {
        int fd = LibBpf.INSTANCE.bpf_program__fd(program);
        return fd < 0 ? null : ProgramInfo.of(fd);
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
