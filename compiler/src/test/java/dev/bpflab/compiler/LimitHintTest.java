package dev.bpflab.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The line a limit diagnostic points at, for the programs that hit limits. */
class LimitHintTest {

    @Test
    void aMacroChainPointsAtItsWidestLink() {
        String source = String.join("\n",
                "#include \"vmlinux.h\"",
                "#define A0 1+1+",
                "#define A1 A0 A0 A0 A0",
                "#define A2 A1 A1 A1 A1",
                "#define ONE_USE A2 0",
                "int x = ONE_USE;");
        assertEquals(4, LimitHint.macroExpansionLine(source), "A2 repeats A1 four times, after A1 did so with A0");
    }

    @Test
    void ordinaryMacrosAreNoSuspects() {
        assertEquals(0, LimitHint.macroExpansionLine("#define MAX 16\n#define TWICE (MAX * 2)\nint a[TWICE];\n"));
    }

    @Test
    void theLargestArrayIsFoundInTheWaysSizesAreWritten() {
        assertEquals(3, LimitHint.largestArrayLine("char small[64];\nchar mid[1 << 20];\nchar big[1UL << 30] = {1};\n"));
        assertEquals(2, LimitHint.largestArrayLine("char a[4096];\nlong b[4096 * 4096];\n"));
        assertEquals(0, LimitHint.largestArrayLine("char comm[16];\nchar path[256];\n"), "nothing large");
    }
}
