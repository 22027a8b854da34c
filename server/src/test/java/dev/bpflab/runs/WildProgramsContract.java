package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.protocol.DiagnosticHints;
import dev.bpflab.protocol.Hint;
import dev.bpflab.testing.RunClient;
import dev.bpflab.testing.SandboxContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Programs shaped like those learners paste from bug reports and examples, run through /ws/run on a real kernel: each
 * is refused (by clang, libbpf or the verifier) on the line that matters, with the catalogue's hint in es and en,
 * and the run fails without output. One row per program; every kind of the hint catalogue has a row. Each sandbox
 * backend extends this with its profile, and skips (with the reason) a row its kernel cannot answer as written.
 */
public abstract class WildProgramsContract extends SandboxContract {
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration SOON = Duration.ofSeconds(30);
    /** The agent's test programs: the same files its own tests run, read from the repository root. */
    private static final Path PROGRAMS = Path.of("agent/src/test/resources/programs");
    /** Where {@link Row#fragments()} wants the release of the kernel the run got. */
    static final String KERNEL = "{kernel}";
    private static final Set<String> OUTPUT = Set.of("event", "printk", "map", "dropped", "iterator_output");

    /**
     * One program and the answer it must get.
     *
     * @param program   a file under {@link #PROGRAMS}
     * @param line      the 1-based line of the first error diagnostic
     * @param kind      its hint's kind in the catalogue
     * @param fragments text its message must contain ({@value #KERNEL} stands for the run's kernel release)
     */
    protected record Row(String program, int line, String kind, List<String> fragments) {
        Row(String program, int line, String kind, String... fragments) {
            this(program, line, kind, List.of(fragments));
        }

        @Override
        public String toString() {
            return program + " → line " + line + ", " + kind;
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                // "Why" 1: the leak is reported at the reserve, naming the early return that leaks it
                new Row("ringbuf_leak.bpf.c", 18, "unreleased-reference", "Unreleased reference", "taken on line 18",
                        "returns at line 23"),
                // "Why" 2: written for 6.11+, run where struct inode has no i_atime_sec (the guest's 6.1)
                new Row("core_inode_atime.bpf.c", 20, "core-relocation", "inode.i_atime_sec", KERNEL,
                        "bpf_core_field_exists"),
                // "Why" 3: a STACK_TRACE map with key and value sizes only
                new Row("map_without_max_entries.bpf.c", 11, "missing-max-entries", "map 'stacks'", "no max_entries"),
                new Row("core_missing_field.bpf.c", 16, "core-relocation", "task_struct.state", KERNEL),
                new Row("null_check.bpf.c", 18, "map-null-check"),
                new Row("packet_no_bounds.bpf.c", 12, "packet-bounds"),
                // clang refuses it and can only point at the function whose frame is too large
                new Row("stack_too_large.bpf.c", 6, "stack-too-large", "512 bytes"),
                new Row("gpl_helper_mit_license.bpf.c", 8, "gpl-only-helper"),
                new Row("printk_too_many_args.bpf.c", 10, "printk-arguments"),
                new Row("helper_wrong_type.bpf.c", 11, "helper-not-allowed"),
                new Row("too_complex.bpf.c", 11, "program-too-complex"),
                new Row("endless_loop.bpf.c", 10, "unbounded-loop"),
                new Row("context_offset.bpf.c", 8, "invalid-context-access"),
                new Row("tracepoint_wrong_struct.bpf.c", 16, "context-past-end", "offset 56 of its context"),
                new Row("bad_return.bpf.c", 8, "bad-return-value"),
                new Row("legacy_maps.bpf.c", 13, "legacy-map-definition"),
                new Row("map_bad_key_size.bpf.c", 10, "map-creation", "map 'slots'"),
                new Row("uprobe_without_target.bpf.c", 5, "section-not-attachable", "uprobe/<binary>:<function>"),
                new Row("missing_semicolon.bpf.c", 10, "missing-semicolon", "missing at the end of line 10", "line 11"));
    }

    /** Why this backend cannot give {@code row} its answer as written (its kernel differs), or empty when it can. */
    protected Optional<String> cannotAnswer(Row row) {
        return Optional.empty();
    }

    /** The release of the kernel the run got, from its {@code sandbox} message. */
    protected abstract String kernelRelease(JsonNode sandboxMessage);

    @Test
    void everyKindOfTheCatalogueHasARow() {
        Set<String> covered = rows().map(Row::kind).collect(java.util.stream.Collectors.toSet());
        List<String> missing = DiagnosticHints.entries().stream().map(DiagnosticHints.Entry::kind)
                .filter(kind -> !covered.contains(kind)).toList();
        assertEquals(List.of(), missing, "hint kinds no program here is refused with");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void isRefusedOnItsLineWithTheCataloguesHintAndNoOutput(Row row) throws IOException {
        cannotAnswer(row).ifPresent(reason -> Assumptions.abort(row.program() + ": " + reason));
        String source = Files.readString(PROGRAMS.resolve(row.program()), StandardCharsets.UTF_8);
        try (RunClient run = client()) {
            run.run(source);
            JsonNode diagnostics = run.awaitType("diagnostics", START);
            run.awaitPhase("failed", SOON);
            JsonNode item = firstError(diagnostics);
            String message = item.path("message").asText();
            assertEquals(row.line(), item.path("line").asInt(), diagnostics.toString());
            String kernel = kernelFromSandbox(run);
            for (String fragment : row.fragments()) {
                String wanted = fragment.equals(KERNEL) ? kernel : fragment;
                assertTrue(message.contains(wanted), "wanted \"" + wanted + "\" in: " + message);
            }
            assertCataloguesHint(row.kind(), item.path("hint"), diagnostics);
            List<JsonNode> seen = run.seen();
            assertFalse(seen.stream().anyMatch(m -> RunClient.isPhase(m, "attached")), seen.toString());
            assertFalse(seen.stream().anyMatch(m -> OUTPUT.contains(m.path("type").asText())), seen.toString());
        }
    }

    private String kernelFromSandbox(RunClient run) {
        return run.seen().stream().filter(m -> "sandbox".equals(m.path("type").asText())).findFirst()
                .map(this::kernelRelease).orElse("(no sandbox message: refused before a sandbox)");
    }

    private static JsonNode firstError(JsonNode diagnostics) {
        for (JsonNode item : diagnostics.path("items")) {
            if ("error".equals(item.path("severity").asText())) {
                return item;
            }
        }
        throw new AssertionError("no error among the diagnostics: " + diagnostics);
    }

    private static void assertCataloguesHint(String kind, JsonNode hint, JsonNode diagnostics) {
        assertEquals(kind, hint.path("kind").asText(), diagnostics.toString());
        Hint catalogue = DiagnosticHints.ofKind(kind).orElseThrow(() -> new AssertionError("no kind " + kind));
        assertFalse(hint.path("es").asText().isBlank() || hint.path("en").asText().isBlank(), hint.toString());
        assertEquals(catalogue.es(), hint.path("es").asText(), "the es text is the server catalogue's");
        assertEquals(catalogue.en(), hint.path("en").asText(), "the en text is the server catalogue's");
    }
}
