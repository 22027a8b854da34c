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
