package dev.bpflab.agent;

import dev.bpflab.agent.bpf.BpfException;
import dev.bpflab.agent.bpf.MapCreationException;
import dev.bpflab.protocol.Diagnostic;
import dev.bpflab.protocol.DiagnosticHints;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Failures outside the verifier that still belong to a line of the learner's source: a map the kernel would not
 * create (at its definition, saying what the definition lacks), legacy {@code SEC("maps")} definitions libbpf 1.x
 * refuses (at that section), and a section libbpf cannot attach by itself (at that {@code SEC()}).
 */
final class LoadFailures {
    // libbpf's two ways of saying a section lacks its target: none at all (SEC("uprobe")), or half of one
    // (SEC("uprobe/greet"): "section 'uprobe/greet' missing ':function[+offset]' specification").
    private static final Pattern ATTACH_SECTION = Pattern.compile(
            "cannot attach SEC\\(\"([^\"]*)\"\\) automatically|section '([^']*)' missing ':function");

    private LoadFailures() {
    }

    /** The diagnostic for {@code failure} on its line of {@code source}, or empty when it is not of such a kind. */
    static Optional<Diagnostic> diagnostic(BpfException failure, String source) {
        String said = failure.getMessage() == null ? "" : failure.getMessage();
        if (failure instanceof MapCreationException map) {
            return Optional.of(mapNotCreated(map, source));
        }
        if (said.contains("legacy map definitions")) {
            int line = lineOf(source, Pattern.compile("SEC\\(\\s*\"maps\"\\s*\\)"));
            return Optional.of(hinted(line, source, "struct bpf_map_def in SEC(\"maps\") is a legacy map definition "
                    + "that libbpf 1.x no longer loads; define the map in SEC(\".maps\") with __uint/__type\n" + said));
        }
        Matcher attach = ATTACH_SECTION.matcher(said);
        if (attach.find()) {
            String section = attach.group(1) != null ? attach.group(1) : attach.group(2);
            int line = lineOf(source, Pattern.compile("SEC\\(\\s*\"" + Pattern.quote(section) + "\"\\s*\\)"));
            return Optional.of(hinted(line, source, said));
        }
        return Optional.empty();
    }

    private static Diagnostic mapNotCreated(MapCreationException failure, String source) {
        Pattern definition = Pattern.compile("\\}\\s*(" + Pattern.quote(failure.map()) + ")\\s+SEC\\(\\s*\"\\.maps\"\\s*\\)");
        Matcher m = definition.matcher(source);
        String problem = "map '" + failure.map() + "' could not be created (" + failure.reason() + ")";
        if (!m.find()) {
            return hinted(0, source, problem + "\n" + failure.getMessage());
        }
        int line = lineAt(source, m.start(1));
        String body = source.substring(openingBrace(source, m.start()), m.start());
        String missing;
        if (!body.contains("max_entries")) {
            missing = "its definition has no max_entries: add __uint(max_entries, N)";
        } else if (!Pattern.compile("\\btype\\s*,").matcher(body).find()) {
            missing = "its definition has no type: add __uint(type, BPF_MAP_TYPE_…)";
        } else {
            missing = "check its type, max_entries and key and value sizes";
        }
        int column = m.start(1) - source.lastIndexOf('\n', m.start(1) - 1); // at the map's name
        return DiagnosticHints.withHint(new Diagnostic(line, column, "error", problem + ": " + missing + "\n"
                + failure.getMessage()));
    }

    private static Diagnostic hinted(int line, String source, String message) {
        int column = VerifierLogMapper.columnOf(source.split("\n", -1), line, null);
        return DiagnosticHints.withHint(new Diagnostic(line, line > 0 ? column : 0, "error", message));
    }

    /** Where the struct whose closing brace is at {@code closing} opens (brace depth counted back), or 0. */
    private static int openingBrace(String source, int closing) {
        int depth = 0;
        for (int i = closing; i >= 0; i--) {
            char c = source.charAt(i);
            if (c == '}') {
                depth++;
            } else if (c == '{' && --depth == 0) {
                return i;
            }
        }
        return 0;
    }

    private static int lineOf(String source, Pattern pattern) {
        Matcher m = pattern.matcher(source);
        return m.find() ? lineAt(source, m.start()) : 0;
    }

    private static int lineAt(String source, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (source.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
