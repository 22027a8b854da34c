package dev.bpflab.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Which context read the kernel would refuse at attach, found in a level-2 verifier log as the 6.1 kernel of the
 * qemu guest prints it (register types with their offsets, "_w" on written registers). The host's own format is
 * covered with real programs by {@link WildProgramsTest}.
 */
class ContextReadsTest {
    private static final String LOG_6_1 = """
            func#0 @0
            0: R1=ctx(off=0,imm=0) R10=fp0
            ; int on_unlink(struct syscall_enter *ctx)
            0: (bf) r6 = r1                       ; R1=ctx(off=0,imm=0) R6_w=ctx(off=0,imm=0)
            ; __u32 pid = bpf_get_current_pid_tgid() >> 32;
            1: (85) call bpf_get_current_pid_tgid#14      ; R0_w=scalar()
            ; unsigned long flags = ctx->args[2];
            2: (79) r4 = *(u64 *)(r6 +32)         ; R4_w=scalar() R6_w=ctx(off=0,imm=0)
            3: (bf) r7 = r6                       ; R6_w=ctx(off=0,imm=0) R7_w=ctx(off=0,imm=0)
            4: (61) r3 = *(u32 *)(r7 +40)         ; R3_w=scalar(umax=4294967295,var_off=(0x0; 0xffffffff)) R7_w=ctx(off=0,imm=0)
            5: (b7) r7 = 0                        ; R7_w=0
            6: (18) r1 = 0xffffc9000114a000       ; R1_w=map_value(off=0,ks=4,vs=29,imm=0)
            7: (79) r5 = *(u64 *)(r1 +64)         ; R1_w=map_value(off=0,ks=4,vs=29,imm=0) R5_w=scalar()
            8: (b7) r0 = 0                        ; R0_w=0
            9: (95) exit
            processed 10 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 1
            """;

    @Test
    void theFurthestReadThroughAnyCopyOfTheContextIsTheOneFound() {
        ContextReads.Read read = ContextReads.furthest(LOG_6_1).orElseThrow();
        assertEquals(new ContextReads.Read(4, 40, 4), read, "through r7, a copy of a copy; not the map value at +64");
    }

    @Test
    void aProgramThatDoesNotReadItsContextHasNoSuchRead() {
        assertTrue(ContextReads.furthest("0: R1=ctx(off=0,imm=0) R10=fp0\n0: (b7) r0 = 0 ; R0_w=0\n1: (95) exit\n")
                .isEmpty());
    }
}
