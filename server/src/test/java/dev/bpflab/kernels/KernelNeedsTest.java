package dev.bpflab.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bpflab.protocol.KernelFeature;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a source needs of its kernel, found in its code only, each on its line and column. */
class KernelNeedsTest {

    @Test
    void eachNeedIsFoundWhereItIsWritten() {
        String source = """
                #include "vmlinux.h"
                struct { __uint(type, BPF_MAP_TYPE_RINGBUF); } rb SEC(".maps");
                SEC("fentry/do_unlinkat")
                int BPF_PROG(f) {
                    int i;
                    bpf_for(i, 0, 10) { }
                    bpf_repeat (3) { }
                    return 0;
                }
                SEC( "lsm.s/file_open" ) int l(void *ctx) { return 0; }
                SEC("kretsyscall/unlinkat") int k(void *ctx) { struct bpf_iter_num it; bpf_iter_num_new(&it, 0, 1); return 0; }
                """;
        assertEquals(List.of(
                new KernelNeeds.Need(KernelFeature.RINGBUF, "BPF_MAP_TYPE_RINGBUF", 2, 23),
                new KernelNeeds.Need(KernelFeature.FENTRY, "SEC(\"fentry/…\")", 3, 1),
                new KernelNeeds.Need(KernelFeature.OPEN_CODED_ITERATORS, "bpf_for", 6, 5),
                new KernelNeeds.Need(KernelFeature.OPEN_CODED_ITERATORS, "bpf_repeat", 7, 5),
                new KernelNeeds.Need(KernelFeature.LSM, "SEC(\"lsm.s/…\")", 10, 1),
                new KernelNeeds.Need(KernelFeature.KPROBE, "SEC(\"kretsyscall/…\")", 11, 1),
                new KernelNeeds.Need(KernelFeature.OPEN_CODED_ITERATORS, "bpf_iter_num_new", 11, 72)),
                KernelNeeds.of(source));
    }

    @Test
    void commentsAndStringsDoNotCountButTheSectionNameDoes() {
        String source = """
                // bpf_for(i, 0, 10) would need 6.4
                /* SEC("fentry/x") and
                   BPF_MAP_TYPE_RINGBUF */
                const char msg[] = "bpf_for( SEC(\\"kprobe/x\\") BPF_MAP_TYPE_RINGBUF";
                char c = '"'; int bpf_for_x(int a); int y = bpf_for_x(1);
                SEC("tp/syscalls/sys_enter_unlinkat") int t(void *ctx) { return 0; }
                MYSEC("fentry/x") int u;
                """;
        assertEquals(List.of(), KernelNeeds.of(source));
    }

    @Test
    void anUnclosedCommentOrStringEndsTheCode() {
        assertEquals(List.of(), KernelNeeds.of("int x; /* bpf_for(i, 0, 1)"));
        assertEquals(List.of(), KernelNeeds.of("char *s = \"bpf_for(i, 0, 1)"));
        assertEquals(1, KernelNeeds.of("char *s = \"x\nbpf_for(i, 0, 1)").size(), "a string ends at its line");
    }
}
