package dev.bpflab.compiler;

import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.Diagnostic;
import dev.bpflab.protocol.ProgramInstructions;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.support.files.FileTrees;
import dev.bpflab.support.process.Command;
import dev.bpflab.support.threads.Daemons;
import dev.bpflab.support.process.ProcessResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Compiles a learner's C to a BPF object for one target kernel, with fixed flags (learners pass none), inside a
 * {@link Jail} and its {@link CompileLimits}. The source is always named {@value #SOURCE_NAME}, so diagnostics and
 * the object's BTF line info name it. A compile that hits a limit fails with one diagnostic that names the limit
 * and, when one stands out, the line to simplify ({@link LimitHint}).
 */
public final class ClangCompiler {
    public static final String SOURCE_NAME = AgentCommand.SOURCE_FILE;
    static final String OBJECT_NAME = "prog.bpf.o";
    static final String CORE_BTF_NAME = "prog.core.btf";
    /** A minimal BTF holds the few types a program relocates against: kilobytes. More means something is off. */
    static final int MAX_CORE_BTF_BYTES = 1 << 20;
    private static final java.time.Duration CORE_BTF_WALL = java.time.Duration.ofSeconds(20);
    private static final java.time.Duration OBJDUMP_WALL = java.time.Duration.ofSeconds(10);
    /** objdump's listing is read up to this much: ample for {@link ProgramInstructions#MAX_TOTAL} instructions. */
    private static final int MAX_OBJDUMP_BYTES = 2 << 20;
    /** Where the instruction listing runs while bpftool cuts the BTF: one thread per compile thread at most. */
    private static final ExecutorService AFTER_CLANG = Executors.newCachedThreadPool(Daemons.factory("listing"));
    /** Flags shared by every compile and by the PCH: a PCH is only valid with the flags it was built with. */
    /** Objects larger than this lose their DWARF ({@link #withoutDebugInfo}); smaller ones are kept as clang made them. */
    static final int STRIP_DEBUG_BYTES = 64 * 1024;
    public static final List<String> FLAGS = List.of("-target", "bpf", "-O2", "-g", "-D__TARGET_ARCH_x86",
            "-fno-color-diagnostics", "-fmessage-length=0", "-fno-crash-diagnostics");
    // The PCH stands in for vmlinux.h only when the program starts by including it (libbpf-bootstrap style);
    // programs built on <linux/bpf.h> would clash with its definitions.
    private static final Pattern STARTS_WITH_VMLINUX =
            Pattern.compile("\\A(?:\\s|//[^\\n]*\\n|/\\*.*?\\*/)*#\\s*include\\s*[\"<]vmlinux\\.h[\">]", Pattern.DOTALL);
    private static final int SIGXCPU = 24;
    private static final int SIGXFSZ = 25;

    /** The global that anchors {@code struct event} in BTF; the agent hides globals named {@code __bpflab*}. */
    public static final String RECORD_ANCHOR = "__bpflab_record_type";
    private static final Pattern RECORD_STRUCT_USED = Pattern.compile("\\bstruct\\s+event\\b");

    private final Jail jail;
    private final KernelHeaders headers;
    private final Path workRoot;
    /** Whether compiles come with a minimal CO-RE BTF: the headers have the kernel's BTF and bpftool is there. */
    private final boolean makesCoreBtf;
    private final String identity;

    /** Compiles against {@code headers}; each compile works in a fresh directory under {@code workRoot}. */
    public ClangCompiler(Jail jail, KernelHeaders headers, Path workRoot) {
        this.jail = jail;
        this.headers = headers;
        this.workRoot = workRoot;
        this.makesCoreBtf = headers.hasBtf() && jail.hasBpftool();
        this.identity = String.join("\n", headers.identity(), jail.clangVersion(), String.join(" ", FLAGS),
                jail.limits().toString(), "min_core_btf " + makesCoreBtf, "instructions 1",
                "strip-debug over " + STRIP_DEBUG_BYTES, "no min_core_btf with .ksyms", "no pch for externs without btf");
    }

    /**
     * Everything besides the source that decides a compile's result: the cache's key includes it. Read once: every
     * request, cache hits included, asks for it.
     */
    String identity() {
        return identity;
    }

    /**
     * Compiles {@code source}; a failed compile is a result with diagnostics, not an exception.
     *
     * @throws CompileException clang could not be run at all (its work directory, the jail)
     */
    public CompileResult compile(String source) throws CompileException {
        return compile(source, clangDone -> {
        });
    }

    /**
     * As {@link #compile(String)}; {@code clangDone} is told clang's result (object and diagnostics, without the
     * minimal CO-RE BTF and the instruction listing) as soon as clang succeeds, before those two are made: what
     * errors as you type show needs nothing more. A failed compile is not told early: its result is the final one.
     */
    public CompileResult compile(String source, Consumer<CompileResult> clangDone) throws CompileException {
        Path work = null;
        Future<ServerMessage.Instructions> listing = null;
        try {
            work = jail.newWorkDir(workRoot);
            Files.writeString(work.resolve(SOURCE_NAME), withRecordTypeAnchor(source), StandardCharsets.UTF_8);
            boolean pch = headers.hasPch() && STARTS_WITH_VMLINUX.matcher(source).find();
            CompileLimits limits = jail.limits();
            ProcessResult result = clang(work, pch);
            if (pch && result.succeeded() && !externsWithoutBtf(work.resolve(OBJECT_NAME)).isEmpty()) {
                result = clang(work, false); // see externsWithoutBtf: the same source, its headers parsed afresh
            }
            String output = result.stdout(); // stderr too, in order
            CompileResult stopped = stoppedByLimit(result, source, limits);
            if (stopped != null) {
                return stopped;
            }
            String log = output + (result.truncated() ? "\n[output truncated]" : "");
            List<Diagnostic> diagnostics = ClangDiagnostics.parse(output, SOURCE_NAME, source);
            Path object = work.resolve(OBJECT_NAME);
            if (result.exitCode() != 0 || !Files.isRegularFile(object)) {
                boolean crashed = result.exitCode() > 128;
                // Only a failure clang placed in the learner's source is the source's doing, and comes again with
                // it. One with no line (clang could not read its input, the host was in trouble) must not be cached:
                // every later compile of the same source would get it back.
                boolean aboutTheSource = diagnostics.stream().anyMatch(d -> d.line() > 0);
                if (diagnostics.isEmpty()) {
                    diagnostics = List.of(new Diagnostic(0, 0, "error", (crashed ? "clang crashed (signal "
                            + (result.exitCode() - 128) + ")" : "clang failed (exit " + result.exitCode() + ")")
                            + ": " + firstLine(output)));
                }
                return new CompileResult(null, diagnostics, log, !crashed && aboutTheSource);
            }
            byte[] made = Files.readAllBytes(object);
            byte[] bytes = made.length > STRIP_DEBUG_BYTES ? withoutDebugInfo(work, made) : made;
            clangDone.accept(new CompileResult(bytes, null, diagnostics, log, true, null));
            // bpftool and llvm-objdump each start a jail of their own, and neither needs the other: side by side.
            Path dir = work;
            listing = AFTER_CLANG.submit(() -> instructionsOrNone(dir, bytes));
            // A program calling kfuncs (bpf_for's bpf_iter_num_*) or reading __ksym variables is loaded against the
            // kernel's own BTF: libbpf looks its externs up in the BTF it is given, and a minimal one has none of them.
            byte[] coreBtf = callsKernelSymbols(bytes) ? null : minimalCoreBtf(work);
            return new CompileResult(bytes, coreBtf, diagnostics, log, true, listed(listing));
        } catch (IOException e) {
            throw new CompileException("could not run clang: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompileException("interrupted while clang was compiling");
        } finally {
            if (listing != null) {
                // Done already, unless bpftool failed: then its objdump is stopped, and reads a directory that goes.
                listing.cancel(true);
            }
            if (work != null) {
                try {
                    FileTrees.delete(work);
                } catch (IOException ignored) {
                    // a leftover work directory holds one program's text; the next server start clears workRoot
                }
            }
        }
    }

    /** The listing, or null when it could not be made (it is a view: it never fails a compile). */
    private ServerMessage.Instructions instructionsOrNone(Path work, byte[] object) {
        try {
            return instructions(work, object);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Waits for the listing; null when it failed unexpectedly. */
    private static ServerMessage.Instructions listed(Future<ServerMessage.Instructions> listing)
            throws InterruptedException {
        try {
            return listing.get();
        } catch (ExecutionException e) {
            return null;
        }
    }

    /**
     * The target kernel's BTF cut down to what the object in {@code work} relocates against, so that the agent, which
     * under emulation pays dearly for parsing the whole kernel BTF (megabytes), reads a few hundred bytes instead. Null
     * when it cannot be made (no BTF for this target, no bpftool, bpftool failed): the agent then reads the kernel's,
     * as libbpf always does, so this never fails a compile.
     */
    /** Runs clang in the jail on the work directory's source, with or without the kernel headers' PCH. */
    private ProcessResult clang(Path work, boolean pch) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(FLAGS);
        args.addAll(List.of("-I" + Jail.INCLUDE_DIR, "-I/usr/include/x86_64-linux-gnu"));
        if (pch) {
            args.addAll(List.of("-include-pch", Jail.INCLUDE_DIR + "/" + KernelHeaders.PCH));
        }
        args.addAll(List.of("-c", SOURCE_NAME, "-o", OBJECT_NAME));
        CompileLimits limits = jail.limits();
        return Command.of(jail.command(headers.dir(), work, args)).inDirectory(work).withStderrMerged()
                .withTimeout(limits.wall()).withOutputCap(limits.outputBytes()).run();
    }

    /** The object's externs its BTF lacks ({@link BtfLines#externsWithoutBtf}); none when it cannot be read. */
    private static List<String> externsWithoutBtf(Path object) throws IOException {
        try {
            return BtfLines.externsWithoutBtf(BpfElf.parse(Files.readAllBytes(object)));
        } catch (BpfElf.MalformedObjectException e) {
            return List.of();
        }
    }

    private static boolean callsKernelSymbols(byte[] object) {
        try {
            return BtfLines.hasKernelSymbols(BpfElf.parse(object));
        } catch (BpfElf.MalformedObjectException e) {
            return false; // the loader will say what is wrong with it
        }
    }

    /**
     * The object without its DWARF ({@code llvm-objcopy --strip-debug}, in the jail): libbpf and the verifier read BTF,
     * which stays, and clang 19 writes ~800 KB of DWARF for a vmlinux.h program (clang 14: a few KB), more than a run
     * message may carry to the sandbox. Unchanged when it cannot be stripped.
     */
    private byte[] withoutDebugInfo(Path work, byte[] object) throws IOException, InterruptedException {
        List<String> argv = jail.objcopyCommand(headers.dir(), work, List.of("--strip-debug", OBJECT_NAME));
        if (argv == null) {
            return object;
        }
        ProcessResult result = Command.of(argv).inDirectory(work).withStderrMerged().withTimeout(CORE_BTF_WALL)
                .withOutputCap(16 * 1024).run();
        return result.succeeded() ? Files.readAllBytes(work.resolve(OBJECT_NAME)) : object;
    }

    private byte[] minimalCoreBtf(Path work) throws IOException, InterruptedException {
        if (!makesCoreBtf) {
            return null;
        }
        List<String> argv = jail.bpftoolCommand(headers.dir(), work, List.of("gen", "min_core_btf",
                Jail.INCLUDE_DIR + "/" + KernelHeaders.VMLINUX_BTF, CORE_BTF_NAME, OBJECT_NAME));
        ProcessResult result = Command.of(argv).inDirectory(work).withStderrMerged().withTimeout(CORE_BTF_WALL)
                .withOutputCap(16 * 1024).run();
        Path btf = work.resolve(CORE_BTF_NAME);
        if (!result.succeeded() || !Files.isRegularFile(btf) || Files.size(btf) > MAX_CORE_BTF_BYTES) {
            return null;
        }
        return Files.readAllBytes(btf);
    }

    /**
     * The object's instructions on the learner's lines: llvm-objdump in the jail (the object came from untrusted
     * source), read by {@link InstructionListing}. Null when it cannot be made (no objdump, it failed, the object is
     * not readable): the listing is a view, so it never fails a compile.
     */
    private ServerMessage.Instructions instructions(Path work, byte[] object) throws IOException, InterruptedException {
        List<String> argv = jail.objdumpCommand(headers.dir(), work, List.of("-d", "-r", "--no-show-raw-insn",
                OBJECT_NAME));
        if (argv == null) {
            return null;
        }
        ProcessResult result = Command.of(argv).inDirectory(work).withTimeout(OBJDUMP_WALL)
                .withOutputCap(MAX_OBJDUMP_BYTES).run();
        if (!result.succeeded() && !result.truncated()) {
            return null;
        }
        try {
            return InstructionListing.of(object, result.stdout(), result.truncated());
        } catch (BpfElf.MalformedObjectException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The one diagnostic for a compile that a limit ended, or null if none did. */
    private static CompileResult stoppedByLimit(ProcessResult result, String source, CompileLimits limits) {
        String output = result.stdout();
        int macros = LimitHint.macroExpansionLine(source);
        int arrays = LimitHint.largestArrayLine(source);
        Diagnostic said;
        if (result.timedOut()) {
            said = limitHit("clang did not finish within " + limits.wall().toSeconds() + " s and was stopped", macros,
                    line -> "simplify the macros near line " + line,
                    "does the program include a file that never ends, or expand a huge macro?");
        } else if (result.exitCode() == 128 + SIGXCPU) {
            said = limitHit("the compiler used more than " + limits.cpu().toSeconds() + " s of CPU time and was "
                    + "stopped", macros, line -> "simplify the macros near line " + line,
                    "simplify large macros or initializers");
        } else if (result.exitCode() == 128 + SIGXFSZ) {
            said = limitHit("the compiled object would be larger than " + CompileLimits.size(limits.objectBytes()),
                    arrays, line -> "make the array near line " + line + " smaller (a BPF map holds large data "
                            + "better than a global)", "make large arrays or initialized data smaller");
        } else if (result.exitCode() != 0 && (output.contains("LLVM ERROR: out of memory")
                || output.contains("std::bad_alloc"))) {
            said = limitHit("the compiler used more than " + CompileLimits.size(limits.memoryBytes()) + " of memory "
                    + "and was stopped", macros > 0 ? macros : arrays,
                    line -> "simplify the macros or the data near line " + line,
                    "simplify large macros or initialized data");
        } else {
            return null;
        }
        return new CompileResult(null, List.of(said), said.message(), false);
    }

    /** "{what}; {fix at the line}" on that line, or "{what}; {fixAnywhere}" on line 0 when no line stands out. */
    private static Diagnostic limitHit(String what, int line, java.util.function.IntFunction<String> fixAt,
            String fixAnywhere) {
        String message = what + "; " + (line > 0 ? fixAt.apply(line) : fixAnywhere);
        return new Diagnostic(line, 0, "error", message);
    }

    /**
     * clang emits BTF only for types reachable from globals, maps and function signatures, so the {@code struct event}
     * a program only uses through a local pointer is missing from the object and its records could not be decoded.
     * A global pointer after the learner's code (cilium/ebpf examples do the same by hand) anchors the type without
     * moving any of their lines.
     */
    static String withRecordTypeAnchor(String source) {
        if (!RECORD_STRUCT_USED.matcher(source).find()) {
            return source;
        }
        return source + "\n#line 1 \"bpflab-record-anchor.h\"\nstruct event *" + RECORD_ANCHOR
                + " __attribute__((unused));\n";
    }

    private static String firstLine(String text) {
        String stripped = text.strip();
        int newline = stripped.indexOf('\n');
        return newline < 0 ? stripped : stripped.substring(0, newline);
    }
}
