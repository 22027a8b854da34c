package dev.bpflab.kernels;

import dev.bpflab.protocol.Diagnostic;
import dev.bpflab.protocol.KernelFeature;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.sandbox.Kernel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code diagnostics} of stage {@code kernel} a run gets when its program needs what its kernel was probed
 * without: one error on the first such need, saying what needs what, since which Linux, and which of the lab's
 * kernels have it (or that none does, with the probe's reason).
 */
final class NeedsRefusal {
    private NeedsRefusal() {
    }

    /**
     * @param needs  the program's needs ({@link KernelNeeds#of}), in source order
     * @param kernel the run's kernel, probed as {@code probed}
     * @param others the lab's other kernels with their probes (those not probed are not named)
     */
    static Optional<ServerMessage.Diagnostics> of(List<KernelNeeds.Need> needs, Kernel kernel,
            KernelFeatures.Probe probed, Map<Kernel, KernelFeatures.Probe> others) {
        for (KernelNeeds.Need need : needs) {
            if (probed.features().has(need.feature())) {
                continue;
            }
            String having = others.entrySet().stream().filter(e -> e.getValue().features().has(need.feature()))
                    .map(e -> shortName(e.getKey()) + " (" + e.getKey().release() + ")")
                    .collect(Collectors.joining(" or "));
            String note = probed.features().notes().get(need.feature().wire());
            String what = need.what() + " needs " + words(need.feature()) + " (Linux " + need.feature().since() + "); "
                    + kernelOf(kernel) + " does not have " + pronoun(need.feature())
                    + (note == null ? "" : " (" + note + ")") + ": "
                    + (having.isEmpty() ? "none of this lab's kernels has " + pronoun(need.feature())
                            + ", so write the program without " + need.what()
                            : "choose " + having + " in the kernel picker");
            return Optional.of(new ServerMessage.Diagnostics("kernel",
                    List.of(new Diagnostic(need.line(), need.column(), "error", what)), "", null, null, null));
        }
        return Optional.empty();
    }

    /** "Debian 12's kernel 6.1.0-40-amd64"; "this host's kernel 6.18.44". */
    private static String kernelOf(Kernel kernel) {
        String name = shortName(kernel);
        return (name.endsWith("kernel") ? name : name + "'s kernel") + " " + kernel.release();
    }

    /** "Debian 12 (bookworm)" → "Debian 12". */
    private static String shortName(Kernel kernel) {
        return kernel.name().replaceFirst("\\s*\\([^)]*\\)$", "");
    }

    private static String words(KernelFeature feature) {
        return switch (feature) {
            case KPROBE -> "kprobes";
            case FENTRY -> "fentry/fexit trampolines";
            case LSM -> "the BPF LSM";
            case RINGBUF -> "ring buffers";
            case KFUNCS -> "kfuncs";
            case OPEN_CODED_ITERATORS -> "open-coded iterators";
        };
    }

    private static String pronoun(KernelFeature feature) {
        return feature == KernelFeature.LSM ? "it" : "them";
    }
}
