package dev.bpflab.compiler;

import dev.bpflab.protocol.Diagnostic;
import dev.bpflab.protocol.DiagnosticHints;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses clang's text diagnostics once into {@link Diagnostic}s on the learner's file, each with the hint for its
 * kind when it is of a known kind. A complaint inside a header is placed on the learner's #include line that pulled
 * the header in, with the header's location in the message.
 *
 * <p>A complaint without a usable location ("error: …" alone, "&lt;unknown&gt;:0:0", or a header reached by no
 * #include of the learner's) does not become an item at line 0: when it names a function ("in function f") it goes
 * on that function's definition; otherwise it is folded into the message of the nearest located item (the one before
 * it, else the one after). Only when nothing clang said has a location does an error stay an item at line 0, since
 * the learner must still be told why the build failed (a warning is then left to the log, which has clang's whole
 * output either way). A statement left without its ';' is reported on its own line ({@link MissingSemicolon}).
 */
final class ClangDiagnostics {
    private static final Pattern DIAGNOSTIC =
            Pattern.compile("^(.+?):(\\d+):(\\d+): (fatal error|error|warning|note): (.*)$");
    private static final Pattern UNLOCATED = Pattern.compile("^(fatal error|error|warning): (.*)$");
    private static final Pattern INCLUDED_FROM = Pattern.compile("^In file included from (.+?):(\\d+):");
    private static final Pattern IN_FUNCTION = Pattern.compile("\\bin function (\\w+)");

    private ClangDiagnostics() {
    }

    static List<Diagnostic> parse(String output, String sourceName) {
        return parse(output, sourceName, "");
    }

    /** As {@link #parse(String, String)}; {@code source} is the learner's text, to place "in function f" complaints. */
    static List<Diagnostic> parse(String output, String sourceName, String source) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        List<Integer> unlocatedAt = new ArrayList<>(); // indexes in diagnostics of items still at line 0
        int includeLine = 0;
        for (String line : output.split("\n")) {
            Matcher included = INCLUDED_FROM.matcher(line);
            if (included.find()) {
                if (included.group(1).endsWith(sourceName)) {
                    includeLine = Integer.parseInt(included.group(2));
                }
                continue;
            }
            Matcher m = DIAGNOSTIC.matcher(line);
            Matcher bare = UNLOCATED.matcher(line);
            String severity;
            String message;
            int at = 0;
            int column = 0;
            if (m.matches()) {
                severity = severity(m.group(4));
                message = m.group(5);
                if (m.group(1).endsWith(sourceName) && Integer.parseInt(m.group(2)) > 0) {
                    at = Integer.parseInt(m.group(2));
                    column = Integer.parseInt(m.group(3));
                    includeLine = 0;
                } else if (severity.equals("note")) {
                    continue;
                } else if (!m.group(1).endsWith(sourceName) && !m.group(1).equals("<unknown>")) {
                    at = includeLine;
                    message = message + " (in " + m.group(1) + ":" + m.group(2) + ")";
                }
            } else if (bare.matches()) {
                severity = severity(bare.group(1));
                message = bare.group(2);
            } else {
                continue;
            }
            if (at == 0) {
                at = functionLine(source, message);
            }
            if (at == 0) {
                unlocatedAt.add(diagnostics.size());
            }
            diagnostics.add(new Diagnostic(at, column, severity, message));
        }
        return DiagnosticHints.withHints(MissingSemicolon.place(foldUnlocated(diagnostics, unlocatedAt), source));
    }

    private static String severity(String clang) {
        return clang.equals("fatal error") ? "error" : clang;
    }

    /** Folds each line-0 item into the nearest located one; keeps them when no item is located. */
    private static List<Diagnostic> foldUnlocated(List<Diagnostic> diagnostics, List<Integer> unlocatedAt) {
        if (unlocatedAt.isEmpty()) {
            return diagnostics;
        }
        if (unlocatedAt.size() == diagnostics.size()) {
            // Nothing to fold into: errors stay (the learner must see why the build failed), warnings are in the log.
            return diagnostics.stream().filter(Diagnostic::isError).toList();
        }
        List<Diagnostic> folded = new ArrayList<>(diagnostics);
        for (int index : unlocatedAt) {
            Diagnostic lost = diagnostics.get(index);
            int target = nearestLocated(diagnostics, unlocatedAt, index);
            Diagnostic into = folded.get(target);
            // The item keeps its own words first; a fold that would pass the size cap is clipped by Diagnostic.
            folded.set(target, new Diagnostic(into.line(), into.column(), worse(into.severity(), lost.severity()),
                    into.message() + "\n" + lost.severity() + ": " + lost.message()));
        }
        List<Diagnostic> kept = new ArrayList<>();
        for (int i = 0; i < folded.size(); i++) {
            if (!unlocatedAt.contains(i)) {
                kept.add(folded.get(i));
            }
        }
        return kept;
    }

    private static int nearestLocated(List<Diagnostic> diagnostics, List<Integer> unlocatedAt, int index) {
        for (int i = index - 1; i >= 0; i--) {
            if (!unlocatedAt.contains(i)) {
                return i;
            }
        }
        for (int i = index + 1; i < diagnostics.size(); i++) {
            if (!unlocatedAt.contains(i)) {
                return i;
            }
        }
        throw new IllegalStateException("no located diagnostic"); // excluded by the caller
    }

    /** An error folded into a warning makes it an error: the build failed, and the item must say so. */
    private static String worse(String a, String b) {
        return "error".equals(a) || "error".equals(b) ? "error" : a;
    }

    /** The line defining the function a complaint names ("in function f"), or 0. */
    private static int functionLine(String source, String message) {
        Matcher named = IN_FUNCTION.matcher(message);
        if (source.isEmpty() || !named.find()) {
            return 0;
        }
        Pattern definition = Pattern.compile("^[\\w\\s*]*\\b" + Pattern.quote(named.group(1)) + "\\s*\\(");
        String[] lines = source.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (definition.matcher(lines[i]).find() && !lines[i].strip().endsWith(";")) {
                return i + 1;
            }
        }
        return 0;
    }
}
