package dev.bpflab.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a kernel can or cannot do for a BPF program, as probed inside it (never assumed from its version): what
 * {@code GET /api/kernels} lists per kernel, and what a program, a template or a lesson may need. {@link #since} is
 * the upstream release that brought it, for messages only ("bpf_for needs Linux 6.4"): a distribution kernel may
 * have it turned off (LSM needs {@code bpf} in the active LSMs) or locked down (fentry on a host in lockdown).
 */
public enum KernelFeature {
    /** kprobe/kretprobe/ksyscall programs attach (a kprobe on a kernel function). */
    KPROBE("4.1"),
    /** fentry/fexit programs attach (BPF trampolines, BTF of the kernel). */
    FENTRY("5.5"),
    /** BPF LSM programs attach: {@code bpf} is one of the active LSMs. */
    LSM("5.7"),
    /** BPF_MAP_TYPE_RINGBUF maps can be created. */
    RINGBUF("5.8"),
    /** The kernel's generic kfuncs, such as {@code bpf_cast_to_kern_ctx}, are there to call. */
    KFUNCS("6.2"),
    /** Open-coded iterators: {@code bpf_for}, {@code bpf_repeat}, {@code bpf_iter_num_*}. */
    OPEN_CODED_ITERATORS("6.4");

    private final String since;

    KernelFeature(String since) {
        this.since = since;
    }

    /** The upstream Linux release that brought it, e.g. "6.4". */
    public String since() {
        return since;
    }

    /** The name on the wire, e.g. "open-coded-iterators". */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The feature named {@code wire}, if it is one. */
    public static Optional<KernelFeature> fromWire(String wire) {
        return Arrays.stream(values()).filter(f -> f.wire().equals(wire)).findFirst();
    }

    @JsonCreator
    static KernelFeature parse(String wire) {
        return fromWire(wire).orElseThrow(() -> new IllegalArgumentException(
                "a kernel feature is one of " + Arrays.stream(values()).map(KernelFeature::wire).toList()));
    }
}
