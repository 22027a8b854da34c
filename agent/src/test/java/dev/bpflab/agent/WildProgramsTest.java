package dev.bpflab.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.Diagnostic;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.support.system.RunningKernel;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Programs shaped like those learners paste from bug reports and examples, compiled with clang and run through
 * {@link Run} against the real libbpf and kernel: the answer is on the line that matters, with a hint in es and en.
 */
@Tag("kernel") // clang, libbpf and root on this machine: left out by ./mvnw -Pfast
class WildProgramsTest {
    @TempDir
    Path dir;

    @Test
    void aLeakedRingBufferRecordIsReportedAtTheReserveNamingTheLeakingPath() throws Exception {
        Diagnostic d = rejection("ringbuf_leak.bpf.c");
        assertEquals(18, d.line(), d.message()); // the bpf_ringbuf_reserve, not the shared exit
        assertTrue(d.message().contains("taken on line 18"), d.message());
        assertTrue(d.message().contains("on the path that branches at line 22 and returns at line 23"), d.message());
        assertTrue(d.message().contains("Unreleased reference"), "the verifier's own words stay: " + d.message());
        assertHint("unreleased-reference", d);
    }

    @Test
    void aCoreReadOfAFieldThisKernelLacksIsReportedAtTheAccess() throws Exception {
        Diagnostic d = rejection("core_missing_field.bpf.c");
        assertEquals(16, d.line(), d.message()); // BPF_CORE_READ(task, state), not the pid read before it
        assertTrue(d.message().contains("task_struct.state"), d.message());
        assertTrue(d.message().contains(RunningKernel.release()), d.message());
        assertTrue(d.message().contains("bpf_core_field_exists"), d.message());
        assertHint("core-relocation", d);
    }

    @Test
    void aMapWithoutMaxEntriesIsReportedAtItsDefinitionSayingWhatIsMissing() throws Exception {
        Diagnostic d = rejection("map_without_max_entries.bpf.c");
        assertEquals(11, d.line(), d.message()); // "} stacks SEC(".maps");"
        assertEquals(3, d.column(), d.message());
        assertTrue(d.message().startsWith("map 'stacks' could not be created"), d.message());
        assertTrue(d.message().contains("no max_entries"), d.message());
        assertHint("missing-max-entries", d);
    }

    /** The kinds whose answer is only a line and a hint: the program, the line that matters, the hint's kind. */
    @ParameterizedTest(name = "{0}: line {1}, {2}")
    @CsvSource({
        "legacy_maps.bpf.c,            13, legacy-map-definition",  // at the SEC("maps") definition
        "null_check.bpf.c,             18, map-null-check",         // at the dereference
        "helper_wrong_type.bpf.c,      11, helper-not-allowed",     // at the call
        "packet_no_bounds.bpf.c,       12, packet-bounds",          // at the read
        "gpl_helper_mit_license.bpf.c,  8, gpl-only-helper",        // at the call
        "context_offset.bpf.c,          8, invalid-context-access", // at the read
        "bad_return.bpf.c,              8, bad-return-value",       // at the return
        "endless_loop.bpf.c,           10, unbounded-loop",         // at the loop
    })
    void aRejectionIsReportedAtTheLineThatCausedItWithItsHint(String program, int line, String kind) throws Exception {
        Diagnostic d = rejection(program);
        assertEquals(line, d.line(), d.message());
        assertHint(kind, d);
    }

    @Test
    void aSectionLibbpfCannotAttachIsReportedAtThatSection() throws Exception {
        Diagnostic d = rejection("uprobe_without_target.bpf.c");
        assertEquals(5, d.line(), d.message());
        assertHint("section-not-attachable", d);
        // SEC("uprobe") as libbpf-bootstrap's loaders attach by hand: the answer says how to name the target here
        assertTrue(d.message().contains("uprobe/<binary>:<function>"), d.message());
        assertTrue(d.message().contains("uprobe//usr/local/bin/bpflab-demo:greet"), d.message());
        assertTrue(d.hint().es().contains("uprobe/<binario>:<función>"), d.hint().es());
        assertTrue(d.hint().en().contains("uprobe/<binary>:<function>"), d.hint().en());
    }

    @Test
    void aUprobeNamingOnlyItsFunctionIsReportedAtThatSection() throws Exception {
        Diagnostic d = rejection("uprobe_function_only.bpf.c");
        assertEquals(5, d.line(), d.message());
        assertTrue(d.message().contains("missing ':function[+offset]' specification"), d.message());
        assertHint("section-not-attachable", d);
        assertTrue(d.hint().en().contains("uprobe//usr/local/bin/bpflab-demo:greet"), d.hint().en());
    }

    @Test
    void aTracepointReadThroughAStructWithMoreArgumentsIsReportedAtTheReadPastTheEnd() throws Exception {
        Diagnostic d = rejection("tracepoint_wrong_struct.bpf.c");
        assertEquals(16, d.line(), d.message()); // args->args[5], not args[2] on the line before it
        assertTrue(d.message().startsWith("program 'on_unlink' reads 8 bytes at offset 56 of its context"), d.message());
        assertTrue(d.message().contains("syscalls/sys_enter_unlinkat gives 40 bytes"), d.message());
        assertTrue(d.message().contains("pathname at 24"), "the tracepoint's own fields are named: " + d.message());
        assertTrue(d.message().contains("Permission denied"), d.message());
        assertHint("context-past-end", d);
    }

    @Test
    void aTracepointContextReadAt4096IsReportedAtThatRead() throws Exception {
        Diagnostic d = rejection("tracepoint_ctx_4096.bpf.c");
        assertEquals(9, d.line(), d.message());
        assertTrue(d.message().contains("at offset 4096 of its context"), d.message());
        assertHint("context-past-end", d);
    }

    @Test
    void aRawTracepointReadPastItsArgumentsIsReportedAtTheRead() throws Exception {
        Diagnostic d = rejection("raw_tracepoint_args.bpf.c");
        assertEquals(9, d.line(), d.message());
        assertTrue(d.message().contains("(ctx->args[7])"), d.message());
        assertTrue(d.message().contains("Invalid argument"), d.message());
        assertHint("context-past-end", d);
    }

    private static void assertHint(String kind, Diagnostic d) {
        assertNotNull(d.hint(), "no hint on: " + d.message());
        assertEquals(kind, d.hint().kind(), d.message());
        assertFalse(d.hint().es().isBlank() || d.hint().en().isBlank());
        assertFalse(d.hint().es().equals(d.hint().en()));
    }

    /** Runs the program and returns the one diagnostic the run ended with (it must not attach). */
    private Diagnostic rejection(String program) throws Exception {
        String source;
        try (InputStream in = WildProgramsTest.class.getResourceAsStream("/programs/" + program)) {
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean attached;
        try (Output output = new Output(out); Run run = new Run(output, LabProcesses.current(null))) {
            attached = run.start(source, compile(source), null, Map.of(), AgentCommand.DEFAULT_XDP_INTERFACE);
        }
        String said = out.toString(StandardCharsets.UTF_8);
        assertFalse(attached, said);
        List<ServerMessage.Diagnostics> diagnostics = said.lines().map(WildProgramsTest::parse)
                .filter(m -> m instanceof ServerMessage.Diagnostics).map(m -> (ServerMessage.Diagnostics) m).toList();
        assertEquals(1, diagnostics.size(), said);
        assertEquals(1, diagnostics.get(0).items().size(), said);
        return diagnostics.get(0).items().get(0);
    }

    private static Object parse(String line) {
        try {
            return RunJson.agent(line);
        } catch (Exception e) {
            throw new AssertionError("not an agent message: " + line, e);
        }
    }

    private byte[] compile(String source) throws Exception {
        Files.writeString(dir.resolve(AgentCommand.SOURCE_FILE), source);
        Process clang = new ProcessBuilder("clang", "-target", "bpf", "-O2", "-g", "-I/usr/include/x86_64-linux-gnu",
                "-c", AgentCommand.SOURCE_FILE, "-o", "prog.bpf.o").directory(dir.toFile()).redirectErrorStream(true).start();
        String said = new String(clang.getInputStream().readAllBytes());
        assertTrue(clang.waitFor(60, TimeUnit.SECONDS) && clang.exitValue() == 0, "clang: " + said);
        return Files.readAllBytes(dir.resolve("prog.bpf.o"));
    }
}
