package dev.bpflab.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.protocol.ProgramInstructions;
import dev.bpflab.protocol.ProgramInstructions.Instruction;
import dev.bpflab.protocol.ServerMessage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The instructions a compile lists, on the learner's lines, for real objects compiled in the jail. */
@Tag("kernel")
class InstructionListingTest {
    @TempDir
    static Path tmp;
    private static HostCompiler compiler;

    @BeforeAll
    static void start() throws Exception {
        compiler = new HostCompiler(Compiles.readableByTheJail(tmp).resolve("cache"), CompileLimits.defaults(), 2,
                64 << 20, o -> { });
    }

    @AfterAll
    static void stop() {
        compiler.close();
    }

    @Test
    void eachInstructionIsOnTheLearnersLineAndAnLdImm64TakesTwoSlots() throws Exception {
        CompileResult result = compiler.compileNow(HostCompilerTest.RING_BUFFER_PROGRAM, Compiles.RUNNING);
        ServerMessage.Instructions listing = result.instructions();
        assertNotNull(listing, result.log());
        assertFalse(listing.truncated());
        ProgramInstructions program = listing.programs().get(0);
        assertEquals("on_unlink", program.name());
        assertEquals("tracepoint/syscalls/sys_enter_unlinkat", program.section());
        List<Instruction> insns = program.instructions();
        // bpf_ringbuf_reserve(&events, …) on line 9: the map's address is a 16-byte ld_imm64, relocated to the map.
        Instruction map = insns.stream().filter(i -> i.text().endsWith("# events")).findFirst().orElseThrow();
        assertEquals(9, map.line());
        assertTrue(map.text().startsWith("r1 = 0 ll"), map.text());
        Instruction after = insns.get(insns.indexOf(map) + 1);
        assertEquals(map.index() + 2, after.index());
        assertTrue(insns.stream().anyMatch(i -> i.line() != null && i.line() == 12 && i.text().startsWith("call")),
                "bpf_get_current_pid_tgid() is called on line 12: " + insns);
        assertTrue(insns.stream().allMatch(i -> i.line() == null || (i.line() >= 7 && i.line() <= 15)), insns.toString());
        assertEquals("exit", insns.get(insns.size() - 1).text());
    }

    @Test
    void aHugeObjectIsListedUpToTheCaps() throws Exception {
        StringBuilder source = new StringBuilder("#include \"vmlinux.h\"\n#include <bpf/bpf_helpers.h>\n"
                + "char LICENSE[] SEC(\"license\") = \"GPL\";\n");
        for (int p = 0; p < 3; p++) {
            source.append("SEC(\"xdp\") int big").append(p).append("(void *ctx) {\n\tvolatile int x = 0;\n"
                    + "#pragma clang loop unroll(full)\n\tfor (int i = 0; i < 3000; i++) x += i;\n\treturn x;\n}\n");
        }
        CompileResult result = compiler.compileNow(source.toString(), Compiles.RUNNING);
        ServerMessage.Instructions listing = result.instructions();
        assertNotNull(listing, result.log());
        assertTrue(listing.truncated());
        int total = listing.programs().stream().mapToInt(p -> p.instructions().size()).sum();
        assertEquals(ProgramInstructions.MAX_TOTAL, total);
        assertTrue(listing.programs().stream().allMatch(p -> p.instructions().size()
                <= ProgramInstructions.MAX_PER_PROGRAM));
        assertEquals(ProgramInstructions.MAX_PER_PROGRAM, listing.programs().get(0).instructions().size());
    }

    @Test
    void forgedObjdumpOutputIsReadWithinBounds() throws Exception {
        byte[] object = compiler.compileNow(HostCompilerTest.RING_BUFFER_PROGRAM, Compiles.RUNNING).object();
        String forged = String.join("\n",
                "Disassembly of section tracepoint/syscalls/sys_enter_unlinkat:",
                "0000000000000000 <not_a_symbol>:",
                "       0:\t" + "r1 = 1 ".repeat(100),
                "99999999999999999999:\tr2 = 2",
                "       4294967295:\tr3 = 3",
                "\t\t0000000000000000:  R_BPF_64_64\tevents",
                "Disassembly of section .maps:",
                "       1:\tr9 = 9",
                "Disassembly of section no_such_section:",
                "       2:\tr8 = 8");
        ServerMessage.Instructions listing = InstructionListing.of(object, forged, true);
        assertTrue(listing.truncated());
        ProgramInstructions program = listing.programs().get(0);
        assertEquals("tracepoint/syscalls/sys_enter_unlinkat", program.name(), "no function symbol: its section");
        assertEquals(1, program.instructions().size(), program.instructions().toString());
        assertTrue(program.instructions().get(0).text().length() <= ProgramInstructions.MAX_TEXT_CHARS);
    }
}
