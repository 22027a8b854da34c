package dev.bpflab.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
