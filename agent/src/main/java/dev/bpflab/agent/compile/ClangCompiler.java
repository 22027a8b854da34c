package dev.bpflab.agent.compile;

import dev.bpflab.protocol.Diagnostic;
import dev.bpflab.support.process.Command;
import dev.bpflab.support.process.ProcessResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Compiles a learner's C to a BPF object with fixed flags (learners pass none), inside a {@link Jail},
 * bounded in time and output. The source is always named {@value #SOURCE_NAME}, so diagnostics and BTF line info
 * name it.
 */
public final class ClangCompiler {
    public static final String SOURCE_NAME = "prog.bpf.c";
    static final String OBJECT_NAME = "prog.bpf.o";
    /** Flags shared by every compile and by the PCH: a PCH is only valid with the flags it was built with. */
    public static final List<String> FLAGS = List.of("-target", "bpf", "-O2", "-g", "-D__TARGET_ARCH_x86",
            "-fno-color-diagnostics", "-fmessage-length=0");
    private static final Duration TIME_LIMIT = Duration.ofSeconds(30);
    private static final int MAX_OUTPUT = 256 * 1024;
    // The PCH stands in for vmlinux.h only when the program starts by including it (libbpf-bootstrap style);
    // programs built on <linux/bpf.h> would clash with its definitions.
    private static final Pattern STARTS_WITH_VMLINUX =
            Pattern.compile("\\A(?:\\s|//[^\\n]*\\n|/\\*.*?\\*/)*#\\s*include\\s*[\"<]vmlinux\\.h[\">]", Pattern.DOTALL);

    /** The global that anchors {@code struct event} in BTF; hidden from the learner's list of globals. */
    public static final String RECORD_ANCHOR = "__bpflab_record_type";
    private static final Pattern RECORD_STRUCT_USED = Pattern.compile("\\bstruct\\s+event\\b");

    private final Jail jail;
    private final KernelHeaders headers;

    public ClangCompiler(Jail jail, KernelHeaders headers) {
        this.jail = jail;
        this.headers = headers;
    }

    public CompileResult compile(String source, Path workDir) throws CompileException {
        try {
            Files.createDirectories(workDir);
            Files.writeString(workDir.resolve(SOURCE_NAME), withRecordTypeAnchor(source), StandardCharsets.UTF_8);
            Files.deleteIfExists(workDir.resolve(OBJECT_NAME));
            String include = jail.includeDir(headers.dir());
            String src = jail.sourceDir(workDir);
            List<String> args = new ArrayList<>(FLAGS);
            args.addAll(List.of("-I" + include, "-I/usr/include/x86_64-linux-gnu"));
            if (headers.hasPch() && STARTS_WITH_VMLINUX.matcher(source).find()) {
                args.addAll(List.of("-include-pch", include + "/" + KernelHeaders.PCH));
            }
            args.addAll(List.of("-c", src + "/" + SOURCE_NAME, "-o", src + "/" + OBJECT_NAME));
            ProcessResult result = Command.of(jail.command(headers.dir(), false, workDir, args)).inDirectory(workDir)
                    .withStderrMerged().withTimeout(TIME_LIMIT).withOutputCap(MAX_OUTPUT).run();
            String output = result.stdout(); // stderr too, in order
            if (result.timedOut()) {
                return failed("clang did not finish within " + TIME_LIMIT.toSeconds()
                        + " s and was stopped. Does the program include a file that never ends, or expand a huge macro?",
                        output);
            }
            String log = output + (result.truncated() ? "\n[output truncated]" : "");
            List<Diagnostic> diagnostics = ClangDiagnostics.parse(output, SOURCE_NAME);
            Path object = workDir.resolve(OBJECT_NAME);
            if (result.exitCode() != 0 || !Files.isRegularFile(object)) {
                if (diagnostics.isEmpty()) {
                    diagnostics = List.of(new Diagnostic(0, 0, "error", "clang failed (exit " + result.exitCode() + "): "
                            + firstLine(output)));
                }
                return new CompileResult(null, diagnostics, log);
            }
            return new CompileResult(Files.readAllBytes(object), diagnostics, log);
        } catch (IOException e) {
            throw new CompileException("could not run clang: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompileException("interrupted while clang was compiling");
        }
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

    private static CompileResult failed(String message, String log) {
        return new CompileResult(null, List.of(new Diagnostic(0, 0, "error", message)), log);
    }

    private static String firstLine(String text) {
        String stripped = text.strip();
        int newline = stripped.indexOf('\n');
        return newline < 0 ? stripped : stripped.substring(0, newline);
    }
}
