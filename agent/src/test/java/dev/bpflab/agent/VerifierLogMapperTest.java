package dev.bpflab.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VerifierLogMapperTest {
    private static final String SOURCE = String.join("\n",
            "#include \"vmlinux.h\"",
            "int handle(void *ctx)",
            "{",
            "\tu32 key = 1;",
            "\tu64 *value = bpf_map_lookup_elem(&counts, &key);",
            "",
            "\t*value += 1;",
            "\treturn 0;",
            "}");

    @Test
    void newerKernelsNameTheLineAfterTheAt() {
        String log = String.join("\n",
                "0: R1=ctx() R10=fp0",
                "; u32 key = 1; @ prog.bpf.c:4",
                "0: (b7) r1 = 1                        ; R1=1",
                "; u64 *value = bpf_map_lookup_elem(&counts, &key); @ prog.bpf.c:5",
                "4: (18) r1 = 0xffff88810441ac00       ; R1=map_ptr(map=counts,ks=4,vs=8)",
                "6: (85) call bpf_map_lookup_elem#1    ; R0=map_value_or_null(id=1,map=counts,ks=4,vs=8)",
                "; *value += 1; @ prog.bpf.c:7",
                "7: (79) r1 = *(u64 *)(r0 +0)",
                "R0 invalid mem access 'map_value_or_null'",
                "verification time 286 usec",
                "processed 7 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0");
        VerifierLogMapper.Finding finding = VerifierLogMapper.map(log, SOURCE);
        assertEquals(7, finding.line());
        assertEquals(2, finding.column());
        assertEquals(7, finding.instruction());
        assertEquals("R0 invalid mem access 'map_value_or_null'", finding.message());
    }

    @Test
    void olderKernelsOnlyQuoteTheTextWhichIsMatchedBack() {
        String log = String.join("\n",
                "; u32 key = 1;",
                "0: (b7) r1 = 1",
                "; u64 *value = bpf_map_lookup_elem(&counts, &key);",
                "6: (85) call bpf_map_lookup_elem#1",
                "; *value += 1;",
                "7: (79) r1 = *(u64 *)(r0 +0)",
                "R0 invalid mem access 'map_value_or_null'",
                "processed 7 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0");
        VerifierLogMapper.Finding finding = VerifierLogMapper.map(log, SOURCE);
        assertEquals(7, finding.line());
        assertEquals("R0 invalid mem access 'map_value_or_null'", finding.message());
    }

    @Test
    void aLogWithoutLineInfoStillGivesTheReason() {
        VerifierLogMapper.Finding finding = VerifierLogMapper.map("unknown func bpf_foo#999\nprocessed 0 insns", SOURCE);
        assertEquals(0, finding.line());
        assertEquals("unknown func bpf_foo#999", finding.message());
    }

    private static final String LEAK = String.join("\n",
            "struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);",
            "if (!e)",
            "\treturn 0;",
            "if (bpf_get_current_comm(e->comm, sizeof(e->comm)) != 0)",
            "\treturn 0;",
            "bpf_ringbuf_submit(e, 0);",
            "return 0;");

    @Test
    void aLeakFoundOnABranchTheLogShowsAsFromToIsPlacedAtTheAllocation() {
        // As log level 2 prints it: the walk of the other path starts with "from X to Y".
        String log = String.join("\n",
                "; struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0); @ prog.bpf.c:1",
                "4: (85) call bpf_ringbuf_reserve#131   ; R0=ringbuf_mem_or_null(id=2,ref_obj_id=2,sz=20) refs=2",
                "; if (bpf_get_current_comm(e->comm, sizeof(e->comm)) != 0) @ prog.bpf.c:4",
                "14: (55) if r0 != 0x0 goto pc+3       ; R0=0 refs=2",
                "; return 0; @ prog.bpf.c:7",
                "18: (b7) r0 = 0                       ; R0=0",
                "19: (95) exit",
                "",
                "from 14 to 18: R0=scalar(umin=1) R6=ringbuf_mem(ref_obj_id=2,sz=20) R10=fp0 refs=2",
                "18: (b7) r0 = 0                       ; R0=0 refs=2",
                "19: (95) exit",
                "Unreleased reference id=2 alloc_insn=4",
                "BPF_EXIT instruction in main prog would lead to reference leak",
                "processed 21 insns (limit 1000000) max_states_per_insn 1 total_states 2 peak_states 2 mark_read 0");
        VerifierLogMapper.Finding finding = VerifierLogMapper.map(log, LEAK);
        assertEquals(1, finding.line());
        assertEquals(true, finding.message().contains("exits at line 7, on the path that branches at line 4"),
                finding.message());
    }

    @Test
    void aPoisonedRelocationWithoutLibbpfsRewriteStillSaysCoRe() {
        String log = String.join("\n",
                "; int pid = BPF_CORE_READ(task, pid); @ prog.bpf.c:5",
                "8: (85) call bpf_probe_read_kernel#113",
                "9: (85) call unknown#195896080",
                "invalid func unknown#195896080",
                "processed 10 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 mark_read 0");
        VerifierLogMapper.Finding finding = VerifierLogMapper.map(log, SOURCE);
        assertEquals(true, finding.message().startsWith("a CO-RE relocation could not be resolved"), finding.message());
        assertEquals("core-relocation", VerifierLogMapper.diagnostic(log, SOURCE).hint().kind());
    }

    @Test
    void aBackEdgeRefusedBeforeTheWalkIsPlacedAtTheLoop() {
        String source = "int f(void *ctx)\n{\n\tint i = 0;\n\twhile (i < 10)\n\t\ti--;\n\treturn 0;\n}";
        VerifierLogMapper.Finding finding = VerifierLogMapper.map("back-edge from insn 3 to 1\nprocessed 0 insns", source);
        assertEquals(4, finding.line());
        assertEquals("unbounded-loop", VerifierLogMapper.diagnostic("back-edge from insn 3 to 1", source).hint().kind());
    }

    /** too_complex.bpf.c's loop: a branch the verifier cannot predict in each of 100000 rounds. */
    private static final String COIN_FLIPS = String.join("\n",
            "#include <bpf/bpf_helpers.h>",
            "SEC(\"tp/syscalls/sys_enter_openat\")",
            "int coin_flips(void *ctx)",
            "{",
            "\tint heads = 0;",
            "",
            "\tfor (int i = 0; i < 100000; i++) {",
            "\t\tif (bpf_get_prandom_u32() & 1)",
            "\t\t\theads += bpf_get_smp_processor_id();",
            "\t}",
            "\treturn 0;",
            "}");

    /**
     * Kernel 6.1 keeps the start of a log longer than its buffer: the walk of 98310 instructions ends mid-line, the
     * reason is lost (the end of the 6.1 guest's log, as the agent got it). The stats-only reload says it; the walk
     * still places it, at the last conditional jump, the one whose other path did not fit.
     */
    @Test
    void aWalkCutBeforeItsReasonGetsTheReasonOfAStatsOnlyReloadAtTheLastBranch() {
        String cut = String.join("\n",
                "; for (int i = 0; i < 100000; i++) {",
                "3: (07) r7 += -1                      ; R7_w=95707",
                "4: (bf) r1 = r7                       ; R1_w=95707 R7_w=95707",
                "7: (15) if r1 == 0x0 goto pc+7        ; R1_w=95707",
                "; if (bpf_get_prandom_u32() & 1)",
                "8: (85) call bpf_get_prandom_u32#7    ; R0_w=scalar()",
                "; if (bpf_get_prandom_u32() & 1)",
                "9: (57) r0 &= 1                       ; R0_w=scalar(umax=1,var_off=(0x0; 0x1))",
                "; if (bpf_get_prandom_u32() & 1)",
                "10: (15) if r0 == 0x0 goto pc-8       ; R0_w=scalar(umax=1,var_off=(0x0; 0x1))",
                "; heads += bpf_get_smp_processor_id();",
                "11: (85) call bpf_get_smp_processor_id#8      ; R0_w=scalar()",
                "; heads += bpf_get_smp_processor_id();",
                "12: (0f) r0 += r6                     ; R0_w=scalar() R6_w=scalar(id=8587)",
                "13: (bf");
        assertFalse(VerifierLogMapper.hasStatistics(cut));
        String stats = String.join("\n",
                "The sequence of 8193 jumps is too complex.",
                "verification time 311007 usec",
                "stack depth 0",
                "processed 98310 insns (limit 1000000) max_states_per_insn 4 total_states 2052 peak_states 2052 mark_read 0");
        String walk = VerifierLogMapper.withReason(cut, stats);
        assertTrue(VerifierLogMapper.hasStatistics(walk));
        VerifierLogMapper.Finding finding = VerifierLogMapper.map(walk, COIN_FLIPS);
        assertEquals("The sequence of 8193 jumps is too complex.", finding.message());
        assertEquals(8, finding.line()); // the if, not the += the cut walk ended on
        assertEquals("program-too-complex", VerifierLogMapper.diagnostic(walk, COIN_FLIPS).hint().kind());
        assertEquals(cut, VerifierLogMapper.withReason(cut, ""), "without a reason the cut walk is all there is");
    }
}
