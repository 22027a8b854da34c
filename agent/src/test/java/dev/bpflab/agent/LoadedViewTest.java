package dev.bpflab.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.protocol.ProgramInstructions.Instruction;
import org.junit.jupiter.api.Test;

/** bpftool's xlated listing and the verifier's statistics, read as the kernel (6.1) and bpftool 7.1 print them. */
class LoadedViewTest {
    /** What bpftool 7.1 printed for a small tracepoint program on 6.1: an inlined array lookup, printk's string map. */
    private static final String DUMP = """
            int hello(void * ctx):
            ; int hello(void *ctx) { [file:/src/prog.bpf.c line_num:6 line_col:0]
               0: (b7) r1 = 0
            ; __u32 k = 0; [file:/src/prog.bpf.c line_num:7 line_col:9]
               1: (63) *(u32 *)(r10 -4) = r1
               2: (bf) r2 = r10
            ;  [file:/src/prog.bpf.c line_num:0 line_col:0]
               3: (07) r2 += -4
            ; __u64 *v = bpf_map_lookup_elem(&counts, &k); [file:/src/prog.bpf.c line_num:8 line_col:14]
               4: (18) r1 = map[id:27526]
               6: (07) r1 += 312
            ; return bpf_get_current_pid_tgid() >> 32; [file:/usr/include/bpf/bpf_helpers.h line_num:99 line_col:1]
               7: (85) call bpf_get_current_pid_tgid#-63248
            ; } [file:/src/prog.bpf.c line_num:13 line_col:1]
               8: (95) exit
            """;

    @Test
    void eachInstructionKeepsItsSlotAndTheLearnersLine() {
        XlatedListing.Listing listing = XlatedListing.parse(DUMP, 100, false);
        assertEquals(8, listing.instructions().size());
        assertFalse(listing.truncated());
        assertEquals(new Instruction(0, "(b7) r1 = 0", 6), listing.instructions().get(0));
        assertEquals(new Instruction(2, "(bf) r2 = r10", 7), listing.instructions().get(2));
        assertNull(listing.instructions().get(3).line(), "line 0 is no line");
        assertEquals(new Instruction(4, "(18) r1 = map[id:27526]", 8), listing.instructions().get(4));
        assertEquals(6, listing.instructions().get(5).index(), "an ld_imm64 takes two slots");
        assertNull(listing.instructions().get(6).line(), "a header's line is not the learner's");
        assertEquals(13, listing.instructions().get(7).line());
    }

    @Test
    void aListingLongerThanAskedIsCutAndSaysSo() {
        XlatedListing.Listing listing = XlatedListing.parse(DUMP, 3, false);
        assertEquals(3, listing.instructions().size());
        assertTrue(listing.truncated());
        assertTrue(XlatedListing.parse(DUMP, 100, true).truncated(), "output cut at the cap");
    }

    @Test
    void theStatisticsAreReadFromAStatsOnlyLog() {
        LoadedView.Stats stats = LoadedView.stats("verification time 27 usec\nstack depth 8\nprocessed 21 insns "
                + "(limit 1000000) max_states_per_insn 0 total_states 1 peak_states 2 mark_read 1\n");
        assertEquals(new LoadedView.Stats(21L, 1L, 2L, 27L), stats);
        assertEquals(LoadedView.Stats.NONE, LoadedView.stats(null));
        assertEquals(new LoadedView.Stats(null, null, null, 3L), LoadedView.stats("verification time 3 usec\n"));
    }
}
