package dev.bpflab.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.support.process.Command;
import dev.bpflab.support.process.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.bpflab.testing.KernelTest;

/**
 * Every template, rendered with its defaults and with other parameters, compiles with the fixed flags bpflab uses,
 * against this kernel's vmlinux.h; and an escaped string stays one C literal in front of a real compiler.
 */
@KernelTest
class TemplatesCompileTest {
    @TempDir
    static Path work;

    private final TemplateCatalog catalog = TemplateCatalog.load(TemplateCatalogTest.TEMPLATES);

    @BeforeAll
    static void generateVmlinuxHeader() throws Exception {
        Result result = run(List.of("bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "c"), work);
        assertEquals(0, result.exit, "bpftool could not dump this kernel's BTF (install bpftool; kernel needs BTF): "
                + result.output);
        Files.writeString(work.resolve("vmlinux.h"), result.output);
    }

    @Test
    void everyTemplateCompilesWithItsDefaults() throws Exception {
        List<String> failures = new ArrayList<>();
        for (TemplateInfo t : catalog.list()) {
            String errors = compile(t.id(), catalog.render(t.id(), Map.of()));
            if (errors != null) {
                failures.add(t.id() + ":\n" + errors);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void templatesCompileWithOtherParametersToo() throws Exception {
        List<String> failures = new ArrayList<>();
        Map<String, Map<String, Object>> variants = Map.of(
                "openat", Map.of("comm", "", "path_prefix", "/tmp/bpflab-1234567890/some/deeper/path/that/is/long"),
                "syscount", Map.of("comm", "longest-comm-15", "max_processes", 16),
                "execsnoop", Map.of("max_args", 20),
                "xdp-firewall", Map.of("drop_protocol", "none", "drop_port", 0, "drop_source", "255.255.255.255"),
                "lsm-deny-unlink", Map.of("protected_name", "x"),
                "hello", Map.of("greeting", "Hola? Que tal: bien, gracias!"),
                "uprobe-greet", Map.of("min_round", 1000),
                "uretprobe-square", Map.of("min_result", 1000000),
                "usdt-round", Map.of("min_round", 2));
        for (var variant : variants.entrySet()) {
            String errors = compile(variant.getKey() + "-variant", catalog.render(variant.getKey(), variant.getValue()));
            if (errors != null) {
                failures.add(variant.getKey() + " " + variant.getValue() + ":\n" + errors);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void anEscapedStringIsExactlyOneLiteralForClang() throws Exception {
        Path dir = Files.createDirectories(work.resolve("probe-catalog/probe"));
        Files.writeString(dir.resolve("template.json"), """
                {"id": "probe", "title": {"es": "p", "en": "p"}, "category": "test",
                 "description": {"es": "p", "en": "p"}, "workload": "exec-true", "expect": [{"type": "none"}],
                 "params": [{"name": "text", "type": "string", "default": "x", "max": 200, "pattern": "(?s).*",
                             "description": {"es": "p", "en": "p"}}]}
                """);
        Files.writeString(dir.resolve("probe.bpf.c.ftl"), """
                const char text[] = ${text};
                _Static_assert(sizeof(text) == ${text_len} + 1, "the text is one literal of its own length");
                """);
        TemplateCatalog permissive = TemplateCatalog.load(work.resolve("probe-catalog"));
        String attack = "\"); bpf_override_return(ctx, 0); /* \\\n#include </etc/shadow>\n??=define X ñ %s";
        String source = permissive.render("probe", Map.of("text", attack));
        Path file = work.resolve("probe.c");
        Files.writeString(file, source);
        Result result = run(List.of("clang", "-fsyntax-only", "-Werror", "-Wall", file.toString()), work);
        assertEquals(0, result.exit, source + "\n" + result.output);
    }

    /** @return null when clang compiled the source, else its diagnostics */
    private static String compile(String name, String source) throws Exception {
        Path file = work.resolve(name + ".bpf.c");
        Files.writeString(file, source);
        Result result = run(List.of("clang", "-target", "bpf", "-O2", "-g", "-D__TARGET_ARCH_x86", "-Wall", "-Werror",
                "-I" + work, "-I/usr/include/x86_64-linux-gnu", // as ClangCompiler: <asm/…> for usdt.bpf.h's errno.h
                "-c", file.toString(), "-o", work.resolve(name + ".bpf.o").toString()), work);
        return result.exit == 0 ? null : result.output;
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> argv, Path dir) throws IOException, InterruptedException {
        // the output may be vmlinux.h itself, megabytes
        ProcessResult result = Command.of(argv).inDirectory(dir).withStderrMerged().withTimeout(Duration.ofSeconds(120))
                .withOutputCap(Command.MAX_OUTPUT_CAP).run();
        assertFalse(result.timedOut(), argv.get(0) + " did not finish");
        assertFalse(result.truncated(), argv.get(0) + " wrote more than " + Command.MAX_OUTPUT_CAP + " bytes");
        return new Result(result.exitCode(), result.stdout());
    }
}
