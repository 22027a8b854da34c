package dev.bpflab.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.protocol.Diagnostic;
import dev.bpflab.sandbox.Kernel;
import dev.bpflab.sandbox.Preparation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** libbpf-bootstrap's BPF_UPROBE on a kernel whose toolchain has libbpf 1.1 is said on its line, naming the one to pick. */
class HeaderNeedsTest {
    private static final Kernel OLD = new Kernel("debian12", "Debian 12 (bookworm)", "6.1.0-57-amd64",
            "clang 14.0.6, libbpf 1.1", Preparation.READY);
    private static final Kernel NEW = new Kernel("debian13", "Debian 13 (trixie)", "6.12.118+deb13-amd64",
            "clang 19.1.7, libbpf 1.5", Preparation.READY);
    private static final String UPROBE = """
            #include "vmlinux.h"
            #include <bpf/bpf_tracing.h>
            // BPF_UPROBE( in a comment is not a use
            SEC("uprobe/libc.so.6:malloc")
            int BPF_UPROBE(on_malloc, size_t size) { return 0; }
            """;

    @Test
    void bpfUprobeOnLibbpf11IsSaidOnItsLineNamingTheKernelWhoseHeadersHaveIt() {
        Diagnostic said = HeaderNeeds.refusal(UPROBE, OLD, List.of(OLD, NEW)).orElseThrow().items().get(0);
        assertEquals(5, said.line());
        assertEquals(5, said.column());
        assertTrue(said.message().startsWith("BPF_UPROBE comes with libbpf 1.2's headers; Debian 12 (bookworm) compiles "
                + "with clang 14.0.6, libbpf 1.1: choose Debian 13 (trixie) (clang 19.1.7, libbpf 1.5)"), said.message());
    }

    @Test
    void aToolchainWithTheHeadersOrOneThatDoesNotSayIsNotRefused() {
        assertTrue(HeaderNeeds.refusal(UPROBE, NEW, List.of(OLD, NEW)).isEmpty());
        Kernel host = new Kernel("host", "this host's kernel", "6.18", "this host's clang and libbpf", Preparation.READY);
        assertTrue(HeaderNeeds.refusal(UPROBE, host, List.of(host)).isEmpty());
        assertTrue(HeaderNeeds.refusal("int BPF_KPROBE(x) { return 0; }", OLD, List.of(OLD, NEW)).isEmpty());
    }
}
