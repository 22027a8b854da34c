package dev.bpflab.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.protocol.Diagnostic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real compiles of learners' programs on this host, in the jail: what a learner sees for good programs, broken ones,
 * and programs that would eat the host (a huge object, a preprocessor bomb).
 */
@Tag("kernel") // clang, bubblewrap and this kernel's BTF: left out by ./mvnw -Pfast
class HostCompilerTest {
    @TempDir
    static Path tmp;
    private static HostCompiler compiler;
    private static final List<CompileCache.Outcome> OUTCOMES = new CopyOnWriteArrayList<>();

    static final String RING_BUFFER_PROGRAM = String.join("\n",
            "#include \"vmlinux.h\"",
            "#include <bpf/bpf_helpers.h>",
            "char LICENSE[] SEC(\"license\") = \"GPL\";",
            "struct event { int pid; char comm[16]; };",
            "struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 1 << 16); } events SEC(\".maps\");",
            "SEC(\"tracepoint/syscalls/sys_enter_unlinkat\")",
            "int on_unlink(void *ctx)",
            "{",
            "\tstruct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);",
            "\tif (!e)",
            "\t\treturn 0;",
            "\te->pid = bpf_get_current_pid_tgid() >> 32;",
            "\tbpf_ringbuf_submit(e, 0);",
            "\treturn 0;",
            "}", "");

    @BeforeAll
    static void start() throws Exception {
        compiler = new HostCompiler(Compiles.readableByTheJail(tmp).resolve("cache"), CompileLimits.defaults(), 2,
                64 << 20, OUTCOMES::add);
    }

    @AfterAll
    static void stop() {
        compiler.close();
    }

    private static CompileResult compile(String source) throws Exception {
        return compiler.compileNow(source, Compiles.RUNNING);
    }

    @Test
    void aLibbpfStyleProgramCompilesToABpfObject() throws Exception {
        CompileResult result = compile(RING_BUFFER_PROGRAM);
        assertTrue(result.succeeded(), result.log());
        assertEquals(0x7f, result.object()[0]);
        assertEquals("ELF", new String(result.object(), 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(247, result.object()[18] & 0xff, "e_machine is EM_BPF");
    }

    @Test
    void aCoreProgramComesWithTheKernelBtfCutDownToWhatItRelocates() throws Exception {
        String source = String.join("\n",
                "#include \"vmlinux.h\"",
                "#include <bpf/bpf_helpers.h>",
                "#include <bpf/bpf_core_read.h>",
                "char LICENSE[] SEC(\"license\") = \"GPL\";",
                "SEC(\"tracepoint/syscalls/sys_enter_unlinkat\")",
                "int on_unlink(struct trace_event_raw_sys_enter *ctx)",
                "{",
                "\tstruct task_struct *task = (void *)bpf_get_current_task();",
                "\treturn BPF_CORE_READ(task, real_parent, tgid) == (int)ctx->args[0];",
                "}", "");
        CompileResult result = compile(source);
        assertTrue(result.succeeded(), result.log());
        byte[] btf = result.coreBtf();
        assertTrue(btf != null && btf.length > 24, "a minimal BTF comes with the object");
        assertEquals(0xeb9f, (btf[0] & 0xff) | (btf[1] & 0xff) << 8, "raw BTF starts with its magic");
        assertTrue(btf.length < Files.size(Path.of("/sys/kernel/btf/vmlinux")) / 100, btf.length + " bytes");
        String strings = new String(btf, java.nio.charset.StandardCharsets.ISO_8859_1);
        for (String type : List.of("task_struct", "real_parent", "tgid", "trace_event_raw_sys_enter")) {
            assertTrue(strings.contains(type), "it names " + type);
        }
        assertFalse(strings.contains("mm_struct"), "and not what the program does not relocate against");
        assertArrayEquals(btf, compile(source).coreBtf(), "a cached result carries it too");
    }

    @Test
    void aProgramCallingAKfuncIsLoadedAgainstTheKernelsWholeBtfAndItsBtfNamesTheKfunc() throws Exception {
        // A CO-RE read and a kfunc: a minimal BTF would carry the read's types but not the kfunc, which libbpf looks up
        // in the BTF it is given. The kfunc's own BTF entry must be there too: libbpf refuses an extern without one.
        String source = String.join("\n",
                "#include \"vmlinux.h\"",
                "#include <bpf/bpf_helpers.h>",
                "#include <bpf/bpf_core_read.h>",
                "char LICENSE[] SEC(\"license\") = \"GPL\";",
                "extern void bpf_rcu_read_lock(void) __ksym;",
                "extern void bpf_rcu_read_unlock(void) __ksym;",
                "SEC(\"tp_btf/sys_enter\")",
                "int on_enter(void *ctx)",
                "{",
                "\tstruct task_struct *task = (void *)bpf_get_current_task();",
                "\tbpf_rcu_read_lock();",
                "\tint tgid = BPF_CORE_READ(task, real_parent, tgid);",
                "\tbpf_rcu_read_unlock();",
                "\treturn tgid == 1;",
                "}", "");
        CompileResult result = compile(source);
        assertTrue(result.succeeded(), result.log());
        assertEquals(null, result.coreBtf(), "no minimal BTF: the kfuncs are resolved in the kernel's");
        BpfElf elf = BpfElf.parse(result.object());
        assertEquals(List.of("bpf_rcu_read_lock", "bpf_rcu_read_unlock"), elf.externs().stream().sorted().toList());
        assertEquals(List.of(), BtfLines.externsWithoutBtf(elf), "every extern is in the object's BTF");
        assertTrue(BtfLines.hasKernelSymbols(elf));
    }

    @Test
    void clangsResultIsToldBeforeTheListingAndTheBtfAreMadeAndOnlyWhenClangRuns() throws Exception {
        String source = RING_BUFFER_PROGRAM + "/* told early " + System.nanoTime() + " */\n";
        List<CompileResult> early = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompileResult done = compiler.compile(source, Compiles.RUNNING, null, early::add).get();
        assertEquals(1, early.size(), "told once");
        CompileResult first = early.get(0);
        assertTrue(first.succeeded() && first.coreBtf() == null && first.instructions() == null,
                "clang's object and diagnostics alone");
        assertArrayEquals(done.object(), first.object());
        assertEquals(done.diagnostics(), first.diagnostics());
        assertTrue(done.instructions() != null, "the listing comes with the whole result");

        early.clear();
        compiler.compile(source, Compiles.RUNNING, null, early::add).get();
        assertTrue(early.isEmpty(), "an answer from the cache is whole at once");
        compiler.compile("int broken(void) { return }\n", Compiles.RUNNING, null, early::add).get();
        assertTrue(early.isEmpty(), "a failed compile's result is its final one");
    }

    @Test
    void aSyntaxErrorIsOnItsLineAndColumn() throws Exception {
        CompileResult result = compile("#include \"vmlinux.h\"\nint f(void)\n{\n\treturn 0\n}\n");
        assertFalse(result.succeeded());
        Diagnostic first = result.diagnostics().get(0);
        assertEquals(4, first.line(), result.log());
        assertTrue(first.message().contains("expected ';'"), first.message());
    }

    @Test
    void aStackOver512BytesIsOnItsFunctionWithAHint() throws Exception {
        CompileResult result = compile(String.join("\n",
                "#include \"vmlinux.h\"",
                "#include <bpf/bpf_helpers.h>",
                "SEC(\"tp/syscalls/sys_enter_openat\")",
                "int big_stack(void *ctx)",
                "{",
                "\tchar buf[700];",
                "\tbpf_get_current_comm(buf, sizeof(buf));",
                "\treturn buf[3] + buf[600];",
                "}", ""));
        assertFalse(result.succeeded());
        Diagnostic first = result.diagnostics().get(0);
        assertEquals(4, first.line(), result.log());
        assertEquals("stack-too-large", first.hint().kind(), first.message());
        assertTrue(result.diagnostics().stream().allMatch(d -> d.line() > 0), result.diagnostics().toString());
    }

    @Test
    void legacyMapDefinitionsAndTooManyPrintkArgumentsGetTheirHints() throws Exception {
        CompileResult legacy = compile(String.join("\n",
                "#include \"vmlinux.h\"",
                "#include <bpf/bpf_helpers.h>",
                "struct bpf_map_def SEC(\"maps\") counts = {",
                "\t.type = BPF_MAP_TYPE_ARRAY,",
                "\t.max_entries = 1,",
                "};", ""));
        assertFalse(legacy.succeeded());
        assertEquals(3, legacy.diagnostics().get(0).line(), legacy.log());
        assertEquals("legacy-map-definition", legacy.diagnostics().get(0).hint().kind(), legacy.log());
        CompileResult printk = compile(String.join("\n",
                "#include \"vmlinux.h\"",
                "#include <bpf/bpf_helpers.h>",
                "SEC(\"tp/syscalls/sys_enter_openat\")",
                "int f(void *ctx)",
                "{",
                "\tchar fmt[] = \"%d %d %d %d\";",
                "\tbpf_trace_printk(fmt, sizeof(fmt), 1, 2, 3, 4);",
                "\treturn 0;",
                "}", ""));
        assertFalse(printk.succeeded());
        assertEquals(7, printk.diagnostics().get(0).line(), printk.log());
        assertEquals("printk-arguments", printk.diagnostics().get(0).hint().kind(), printk.log());
    }

    @Test
    void aClassOnOneProgramCostsOneCompile() throws Exception {
        String source = RING_BUFFER_PROGRAM.replace("max_entries, 1 << 16", "max_entries, 1 << 17");
        OUTCOMES.clear();
        List<CompletableFuture<CompileResult>> class30 = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            class30.add(compiler.compile(source, Compiles.RUNNING));
        }
        byte[] first = class30.get(0).join().object();
        for (CompletableFuture<CompileResult> learner : class30) {
            assertArrayEquals(first, learner.join().object());
        }
        assertEquals(1, OUTCOMES.stream().filter(o -> o == CompileCache.Outcome.MISS).count(), OUTCOMES.toString());
        assertArrayEquals(first, compile(source).object(), "and later runs of it come from the cache");
        assertEquals(CompileCache.Outcome.HIT, OUTCOMES.get(OUTCOMES.size() - 1));
    }

    @Test
    void aClientWithManyCompilesQueuedDelaysAnotherClientsCompileByOneTurn() throws Exception {
        compile(RING_BUFFER_PROGRAM); // headers ready: what follows is compiles only
        long nonce = System.nanoTime(); // programs the cache has not seen
        List<CompletableFuture<CompileResult>> flood = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            flood.add(compiler.compile(RING_BUFFER_PROGRAM + "// flood " + i + " " + nonce + "\n", Compiles.RUNNING,
                    "flooder"));
        }
        CompletableFuture<CompileResult> learners = compiler.compile(RING_BUFFER_PROGRAM + "// mine " + nonce + "\n",
                Compiles.RUNNING, "learner");
        assertTrue(learners.get(2, java.util.concurrent.TimeUnit.MINUTES).succeeded());
        // Two compile threads: while the learner's compile ran, at most the flooder's first two and one more
        // (the turn it had before the learner's came up) had been taken; first come first served would take all 8.
        long floodDone = flood.stream().filter(CompletableFuture::isDone).count();
        assertTrue(floodDone <= 4, floodDone + " of the flooder's 8 compiles ended before the learner's one");
        for (CompletableFuture<CompileResult> f : flood) {
            assertTrue(f.join().succeeded());
        }
    }

    /** A 1 GiB initialized global: the object would be a gigabyte; it never reaches the disk. */
    @Test
    void aHugeObjectStopsAtTheFileSizeLimitOnItsLine() throws Exception {
        CompileResult result = compile(String.join("\n",
                "#include \"vmlinux.h\"",
                "char LICENSE[] __attribute__((section(\"license\"))) = \"GPL\";",
                "char big[1 << 30] = {1};",
                "__attribute__((section(\"xdp\"))) int pass(void *ctx) { return big[7]; }", ""));
        assertFalse(result.succeeded());
        Diagnostic said = result.diagnostics().get(0);
        assertEquals(3, said.line(), said.message());
        assertTrue(said.message().startsWith("the compiled object would be larger than 16 MiB; make the array near "
                + "line 3 smaller"), said.message());
        assertTrue(largestFileUnder(tmp) < 17L << 20, "nothing over the limit was written");
    }

    /** Macros that expand into 4^14 copies: clang would take gigabytes; it is stopped at the memory limit. */
    @Test
    void aPreprocessorBombStopsAtTheMemoryLimitNearItsMacro() throws Exception {
        StringBuilder bomb = new StringBuilder("#include \"vmlinux.h\"\n#define A0 1+1+1+1+\n");
        for (int i = 1; i <= 14; i++) {
            bomb.append("#define A").append(i).append(" A").append(i - 1).append(" A").append(i - 1).append(" A")
                    .append(i - 1).append(" A").append(i - 1).append('\n');
        }
        bomb.append("int y = A14 0;\n");
        CompileResult result = compile(bomb.toString());
        assertFalse(result.succeeded());
        Diagnostic said = result.diagnostics().get(0);
        assertTrue(said.message().matches("the compiler used more than (1\\.5 GiB of memory|20 s of CPU time)"
                + " and was stopped; simplify the macros.* near line 16"), said.message());
        assertEquals(16, said.line());
        assertFalse(result.repeatable(), "a limit's verdict is not cached");
    }

    /**
     * QEMU drops to "nobody"; a class's thirty VMs are hundreds of that user's threads. Compiles run as a uid of their
     * own, so the jail's process limit counts compiles only (with "nobody" they failed to start during a class).
     */
    @Test
    void manyProcessesOfNobodyDoNotStopACompile() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.bpflab.support.system.EffectiveUser.isRoot(),
                "only root starts processes as another user");
        List<Process> sleepers = new ArrayList<>();
        try {
            for (int i = 0; i < CompileLimits.defaults().processes() + 8; i++) {
                sleepers.add(new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        "sleep", "60").start());
            }
            CompileResult result = compile(RING_BUFFER_PROGRAM.replace("1 << 16", "1 << 18"));
            assertTrue(result.succeeded(), result.log());
        } finally {
            sleepers.forEach(Process::destroyForcibly);
        }
    }

    private static long largestFileUnder(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).max().orElse(0);
        }
    }
}
