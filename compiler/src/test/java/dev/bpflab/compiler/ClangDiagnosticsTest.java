package dev.bpflab.compiler;

import dev.bpflab.protocol.Diagnostic;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClangDiagnosticsTest {

    @Test
    void diagnosticsInTheLearnersFileKeepTheirPlace() {
        List<Diagnostic> found = ClangDiagnostics.parse(String.join("\n",
                "/src/prog.bpf.c:9:11: error: expected ';' at end of declaration",
                "        int x = 1",
                "                 ^",
                "/src/prog.bpf.c:4:5: warning: unused variable 'y' [-Wunused-variable]",
                "1 error generated."), ClangCompiler.SOURCE_NAME);
        assertEquals(List.of(new Diagnostic(9, 11, "error", "expected ';' at end of declaration"),
                new Diagnostic(4, 5, "warning", "unused variable 'y' [-Wunused-variable]")), found);
    }

    @Test
    void aComplaintInsideAHeaderLandsOnTheIncludeLine() {
        List<Diagnostic> found = ClangDiagnostics.parse(String.join("\n",
                "In file included from /src/prog.bpf.c:3:",
                "/usr/include/bpf/bpf_tracing.h:12:2: error: Must specify a BPF target arch",
                "1 error generated."), ClangCompiler.SOURCE_NAME);
        assertEquals(1, found.size());
        assertEquals(3, found.get(0).line());
        assertEquals("error", found.get(0).severity());
    }

    @Test
    void fatalErrorsAreErrors() {
        List<Diagnostic> found = ClangDiagnostics.parse("/src/prog.bpf.c:1:10: fatal error: '/etc/shadow' file not found",
                ClangCompiler.SOURCE_NAME);
        assertEquals(new Diagnostic(1, 10, "error", "'/etc/shadow' file not found"), found.get(0));
    }

    @Test
    void aComplaintWithoutLocationNamingAFunctionGoesOnItsDefinition() {
        String source = "#include \"vmlinux.h\"\nstatic int helper(int x);\n\nint big_stack(void *ctx)\n{\n\treturn 0;\n}\n";
        List<Diagnostic> found = ClangDiagnostics.parse(String.join("\n",
                "error: <unknown>:0:0: in function big_stack i32 (i8*): Looks like the BPF stack limit of 512 bytes is "
                        + "exceeded. Please move large on stack variables into BPF per-cpu array map.",
                "1 error generated."), ClangCompiler.SOURCE_NAME, source);
        assertEquals(1, found.size());
        assertEquals(4, found.get(0).line());
        assertEquals("stack-too-large", found.get(0).hint().kind());
    }

    @Test
    void aComplaintWithoutLocationIsFoldedIntoTheNearestLocatedOne() {
        List<Diagnostic> found = ClangDiagnostics.parse(String.join("\n",
                "/src/prog.bpf.c:9:11: error: expected ';' at end of declaration",
                "<unknown>:0:0: warning: something about the whole unit",
                "fatal error: too many errors emitted, stopping now [-ferror-limit=]",
                "20 errors generated."), ClangCompiler.SOURCE_NAME, "");
        assertEquals(1, found.size(), found.toString());
        assertEquals(9, found.get(0).line());
        assertEquals("expected ';' at end of declaration\nwarning: something about the whole unit\nerror: too many "
                + "errors emitted, stopping now [-ferror-limit=]", found.get(0).message());
    }

    @Test
    void withNothingLocatedOnlyTheErrorsStayAtLineZero() {
        List<Diagnostic> found = ClangDiagnostics.parse(String.join("\n",
                "warning: argument unused during compilation",
                "error: unable to open output file 'prog.bpf.o'"), ClangCompiler.SOURCE_NAME, "");
        assertEquals(List.of(new Diagnostic(0, 0, "error", "unable to open output file 'prog.bpf.o'")), found);
    }

    @Test
    void theRecordTypeIsAnchoredOnlyWhenTheProgramUsesIt() {
        String with = "struct event { int pid; };\nint x;\n";
        String anchored = ClangCompiler.withRecordTypeAnchor(with);
        assertEquals(true, anchored.startsWith(with));
        assertEquals(true, anchored.contains("struct event *" + ClangCompiler.RECORD_ANCHOR));
        assertEquals("int x;\n", ClangCompiler.withRecordTypeAnchor("int x;\n"));
    }

    /** What clang says for a statement without its ';' before bpf_printk (a macro): at the next statement's start. */
    private static final String MISSING_SEMICOLON = String.join("\n",
            "#include \"vmlinux.h\"",
            "int count;",
            "SEC(\"tp/syscalls/sys_enter_unlinkat\")",
            "int f(void *ctx) {",
            "    count++   // one more",
            "",
            "    bpf_printk(\"hi\");",
            "    if (count > 3)",
            "        bpf_printk(\"many\");",
            "    return 0;",
            "}");

    @Test
    void aMissingSemicolonIsReportedAtTheEndOfItsOwnLineWithAHint() {
        List<Diagnostic> found = ClangDiagnostics.parse(String.join("\n",
                "/src/prog.bpf.c:7:5: error: expected expression",
                "    bpf_printk(\"hi\");",
                "    ^",
                "1 error generated."), ClangCompiler.SOURCE_NAME, MISSING_SEMICOLON);
        assertEquals(1, found.size(), found.toString());
        Diagnostic d = found.get(0);
        assertEquals(5, d.line(), d.toString());
        assertEquals(12, d.column(), "just after count++: " + d);
        assertEquals("a ';' is probably missing at the end of line 5 (clang: expected expression, at line 7, column 5)",
                d.message());
        assertEquals("missing-semicolon", d.hint().kind());
    }

    @Test
    void anErrorAfterALineThatNeedsNoSemicolonStaysWhereClangPutIt() {
        for (String line : List.of("/src/prog.bpf.c:9:9: error: expected expression", // after "if (count > 3)"
                "/src/prog.bpf.c:7:9: error: expected expression", // not the line's first token
                "/src/prog.bpf.c:4:1: error: expected ';' after top level declarator")) { // after SEC(…)
            Diagnostic d = ClangDiagnostics.parse(line, ClangCompiler.SOURCE_NAME, MISSING_SEMICOLON).get(0);
            assertEquals(line.split(":")[1], String.valueOf(d.line()), d.toString());
            assertEquals(null, d.hint(), d.toString());
        }
    }
}
