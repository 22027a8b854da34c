package dev.bpflab.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.protocol.AgentMessage;
import dev.bpflab.protocol.Diagnostic;
import dev.bpflab.protocol.KernelFeature;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.sandbox.Kernel;
import dev.bpflab.sandbox.Preparation;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a learner is told when the kernel they chose lacks what their program needs. */
class NeedsRefusalTest {
    private static final Kernel BOOKWORM = new Kernel("debian12", "Debian 12 (bookworm)", "6.1.0-40-amd64",
            "clang 14, libbpf 1.1", Preparation.READY);
    private static final Kernel TRIXIE = new Kernel("debian13", "Debian 13 (trixie)", "6.12.57+deb13-amd64",
            "clang 19, libbpf 1.5", Preparation.READY);

    static KernelFeatures.Probe probe(String release, Map<KernelFeature, String> missing) {
        Map<KernelFeature, Boolean> has = new EnumMap<>(KernelFeature.class);
        Map<KernelFeature, String> why = new EnumMap<>(KernelFeature.class);
        for (KernelFeature feature : KernelFeature.values()) {
            has.put(feature, !missing.containsKey(feature));
            if (missing.get(feature) != null && !missing.get(feature).isEmpty()) {
                why.put(feature, missing.get(feature));
            }
        }
        return new KernelFeatures.Probe(release, AgentMessage.Features.of(has, why));
    }

    private static final String BPF_FOR = "int f(void *ctx) {\n    int i;\n    bpf_for(i, 0, 3) { }\n    return 0;\n}\n";

    @Test
    void theKernelsThatHaveItAreNamed() {
        Optional<ServerMessage.Diagnostics> refused = NeedsRefusal.of(KernelNeeds.of(BPF_FOR), BOOKWORM,
                probe(BOOKWORM.release(), Map.of(KernelFeature.OPEN_CODED_ITERATORS, "", KernelFeature.KFUNCS, "")),
                Map.of(TRIXIE, probe(TRIXIE.release(), Map.of())));
        assertEquals("kernel", refused.orElseThrow().stage());
        assertEquals(List.of(new Diagnostic(3, 5, "error", "bpf_for needs open-coded iterators (Linux 6.4); Debian 12's "
                + "kernel 6.1.0-40-amd64 does not have them: choose Debian 13 (6.12.57+deb13-amd64) in the kernel "
                + "picker")), refused.orElseThrow().items());
    }

    @Test
    void whenNoKernelHasItTheProbesReasonIsSaid() {
        Map<Kernel, KernelFeatures.Probe> others = new LinkedHashMap<>();
        others.put(TRIXIE, probe(TRIXIE.release(), Map.of(KernelFeature.LSM, "the active LSMs do not include bpf")));
        String message = NeedsRefusal.of(KernelNeeds.of("SEC(\"lsm/file_open\") int x;"), BOOKWORM,
                probe(BOOKWORM.release(), Map.of(KernelFeature.LSM, "attach failed: EPERM")), others)
                .orElseThrow().items().get(0).message();
        assertEquals("SEC(\"lsm/…\") needs the BPF LSM (Linux 5.7); Debian 12's kernel 6.1.0-40-amd64 does not have it "
                + "(attach failed: EPERM): none of this lab's kernels has it, so write the program without "
                + "SEC(\"lsm/…\")", message);
    }

    @Test
    void aProgramWhoseNeedsTheKernelHasIsNotRefused() {
        assertTrue(NeedsRefusal.of(KernelNeeds.of(BPF_FOR), TRIXIE, probe(TRIXIE.release(), Map.of()), Map.of()).isEmpty());
    }
}
