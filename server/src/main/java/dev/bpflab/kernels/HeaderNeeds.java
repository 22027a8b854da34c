package dev.bpflab.kernels;

import dev.bpflab.protocol.Diagnostic;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.sandbox.Kernel;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Macros of libbpf's headers that a kernel's toolchain may be too old for: {@code BPF_UPROBE} and
 * {@code BPF_URETPROBE} came with libbpf 1.2 (libbpf-bootstrap's uprobe.bpf.c uses them), and Debian 12's toolchain has
 * libbpf 1.1, whose clang then complains about the macro's arguments, not about the macro. The kernel runs uprobes
 * either way: only the headers differ, so this is said from the kernel's toolchain ({@link Kernel#toolchain()},
 * "clang 14.0.6, libbpf 1.1"), with no probe.
 */
final class HeaderNeeds {
    private static final Pattern MACRO = Pattern.compile("\\b(BPF_UPROBE|BPF_URETPROBE)\\s*\\(");
    private static final Pattern LIBBPF = Pattern.compile("libbpf (\\d+)\\.(\\d+)");
    /** The libbpf release whose headers brought the macros above. */
    private static final int[] SINCE = {1, 2};

    private HeaderNeeds() {
    }

    /**
     * The kernel diagnostic for the first such macro of {@code source} when {@code kernel}'s toolchain has older
     * libbpf headers, naming the kernels of {@code all} whose toolchain has them; empty otherwise.
     */
    static Optional<ServerMessage.Diagnostics> refusal(String source, Kernel kernel, List<Kernel> all) {
        if (!older(kernel)) {
            return Optional.empty();
        }
        String code = SourceMask.codeOnly(source);
        Matcher m = MACRO.matcher(code);
        if (!m.find()) {
            return Optional.empty();
        }
        int[] lineStarts = KernelNeeds.lineStarts(code);
        int line = KernelNeeds.lineOf(lineStarts, m.start());
        String having = all.stream().filter(k -> !k.id().equals(kernel.id()) && k.toolchain() != null && !older(k))
                .map(k -> k.name() + " (" + k.toolchain() + ")").collect(Collectors.joining(" or "));
        String said = m.group(1) + " comes with libbpf " + SINCE[0] + "." + SINCE[1] + "'s headers; " + kernel.name()
                + " compiles with " + kernel.toolchain() + ": "
                + (having.isEmpty() ? "write the section with BPF_KPROBE(name, args…) instead, which libbpf 1.1 has"
                        : "choose " + having + " in the kernel picker, or write BPF_KPROBE(name, args…), which "
                                + "libbpf 1.1 has too");
        return Optional.of(new ServerMessage.Diagnostics("kernel",
                List.of(new Diagnostic(line + 1, m.start() - lineStarts[line] + 1, "error", said)), "", null, null, null));
    }

    /** Whether {@code kernel}'s toolchain names a libbpf older than {@link #SINCE}; false when it does not say. */
    private static boolean older(Kernel kernel) {
        Matcher v = kernel.toolchain() == null ? null : LIBBPF.matcher(kernel.toolchain());
        if (v == null || !v.find()) {
            return false;
        }
        int major = Integer.parseInt(v.group(1));
        int minor = Integer.parseInt(v.group(2));
        return major < SINCE[0] || (major == SINCE[0] && minor < SINCE[1]);
    }
}
