package dev.bpflab.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.compiler.CompileResult;
import dev.bpflab.compiler.ForbiddenHelpers;
import dev.bpflab.compiler.TargetKernel;
import dev.bpflab.protocol.Diagnostic;
import dev.bpflab.testing.Compilers;
import dev.bpflab.testing.KernelTest;
import dev.bpflab.testing.RunClient;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Programs that could reach into the lab's own processes are refused by the host compiler, on the learner's line,
 * before any sandbox sees them: compiled for real by the host's clang, as a learner's Run compiles them.
 */
@KernelTest
class ForbiddenHelpersTest {
    private static final TargetKernel KERNEL = TargetKernel.running();

    @Test
    void aProgramThatWouldRewriteTheAgentsOutputIsRefusedOnItsLine() throws Exception {
        CompileResult result = Compilers.host().compileNow(RunClient.program("rewrite_agent_output.bpf.c"), KERNEL);

        assertFalse(result.succeeded(), "no object goes to a sandbox");
        assertNull(result.object());
        List<Diagnostic> errors = result.diagnostics().stream().filter(Diagnostic::isError).toList();
        assertEquals(1, errors.size(), result.diagnostics().toString());
        Diagnostic refusal = errors.get(0);
        assertEquals(22, refusal.line(), "the line that calls bpf_probe_write_user: " + refusal);
        assertTrue(refusal.column() > 0, refusal.toString());
        assertTrue(refusal.message().startsWith("bpf_probe_write_user is not allowed in this lab: it writes into the "
                + "memory of other processes"), refusal.message());
        assertTrue(refusal.message().contains("bpf_probe_read_user"), "says what to use instead: " + refusal.message());
        assertTrue(result.log().contains("prog.bpf.c:22:"), "the log says it too: " + result.log());
    }

    @Test
    void signalsErrorInjectionAndTheSignalKfuncAreRefusedEachOnItsLine() throws Exception {
        CompileResult result = Compilers.host().compileNow(RunClient.program("signal_and_override.bpf.c"), KERNEL);

        assertFalse(result.succeeded());
        Map<Integer, String> byLine = new TreeMap<>();
        result.diagnostics().stream().filter(Diagnostic::isError).forEach(d -> byLine.put(d.line(), d.message()));
        assertEquals(List.of(14, 20, 22, 29), List.copyOf(byLine.keySet()), result.diagnostics().toString());
        assertTrue(byLine.get(14).startsWith("bpf_send_signal_thread is not allowed"), "in a subprogram too");
        assertTrue(byLine.get(20).startsWith("bpf_send_signal is not allowed"), byLine.get(20));
        assertTrue(byLine.get(22).startsWith("bpf_send_signal_task is not allowed"), "a kfunc: " + byLine.get(22));
        assertTrue(byLine.get(29).startsWith("bpf_override_return is not allowed"), byLine.get(29));
        assertTrue(byLine.get(29).contains("LSM"), "says what to use instead: " + byLine.get(29));
    }

    @Test
    void programsThatOnlyReadAndReportAreLeftAlone() throws Exception {
        for (String program : List.of("unlink_events.bpf.c", "count_chmod.bpf.c", "perf_exec.bpf.c", "flood.bpf.c")) {
            CompileResult result = Compilers.host().compileNow(RunClient.program(program), KERNEL);
            assertTrue(result.succeeded(), program + ": " + result.diagnostics());
            assertSame(result, ForbiddenHelpers.enforce(result), program);
        }
    }

    /**
     * Instructions written by hand (inline asm can emit any bytes) are found as well: a helper call patched to id 36
     * and a kfunc call by number. Without line info the error names the function and section instead of a line.
     */
    @Test
    void handMadeCallsAreFoundAndWithoutLineInfoTheErrorNamesTheProgram() throws Exception {
        String source = "#include \"vmlinux.h\"\n#include <bpf/bpf_helpers.h>\nchar LICENSE[] SEC(\"license\") = \"GPL\";\n"
                + "SEC(\"tp/syscalls/sys_enter_write\")\nint on_write(void *ctx)\n{\n\treturn bpf_get_prandom_u32();\n}\n";
        byte[] object = Compilers.host().compileNow(source, KERNEL).object();
        int call = indexOf(object, new byte[] {(byte) 0x85, 0, 0, 0, 7, 0, 0, 0}); // call bpf_get_prandom_u32
        assertTrue(call > 0, "the object calls helper 7");

        byte[] writeUser = object.clone();
        writeUser[call + 4] = 36;
        Diagnostic onLine = ForbiddenHelpers.enforce(compiled(writeUser)).diagnostics().get(0);
        assertEquals(7, onLine.line(), onLine.toString());
        assertTrue(onLine.message().startsWith("bpf_probe_write_user is not allowed"), onLine.message());

        byte[] byNumber = object.clone();
        byNumber[call + 1] = 0x20; // source register 2: a kfunc, by its kernel BTF id
        assertTrue(ForbiddenHelpers.enforce(compiled(byNumber)).diagnostics().get(0).message()
                .startsWith("a kfunc call by number is not allowed"));

        byte[] noLines = writeUser.clone();
        int ext = indexOf(noLines, ".BTF.ext\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        noLines[ext + 7] = 'x'; // the section is renamed, so the object has no line info
        Diagnostic named = ForbiddenHelpers.enforce(compiled(noLines)).diagnostics().get(0);
        assertEquals(0, named.line());
        assertTrue(named.message().endsWith("(called in on_write, section tp/syscalls/sys_enter_write)"),
                named.message());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The object is untrusted input: cut or corrupted, it is refused with a sentence, never read out of bounds. */
    @Test
    void aCutOrCorruptedObjectIsRefusedNotReadOutOfBounds() throws Exception {
        byte[] object = Compilers.host().compileNow(RunClient.program("rewrite_agent_output.bpf.c")
                .replace("bpf_probe_write_user((void *)ctx->args[1], forged, sizeof(forged) - 1);", ""), KERNEL)
                .object();
        assertTrue(object != null && object.length > 1000, "the harmless variant compiles");
        for (int length = 0; length < object.length; length += 1 + object.length / 300) {
            CompileResult cut = ForbiddenHelpers.enforce(compiled(Arrays.copyOf(object, length)));
            assertFalse(cut.succeeded(), "an object cut at " + length + " bytes");
            assertTrue(cut.diagnostics().get(0).message().startsWith("the compiled program could not be checked"),
                    cut.diagnostics().toString());
        }
        // Every byte of the ELF header and of the section table (at the end, where clang puts it), some elsewhere.
        int table = object.length - 64 * 40;
        for (int at = 0; at < object.length; at += at < 64 || at >= table ? 1 : 1 + object.length / 300) {
            byte[] corrupted = object.clone();
            corrupted[at] ^= (byte) 0xa5;
            ForbiddenHelpers.enforce(compiled(corrupted)); // refused or let through, but answered without a throw
        }
    }

    private static CompileResult compiled(byte[] object) {
        return new CompileResult(object, List.of(), "", true);
    }
}
