package dev.bpflab.compiler;

import dev.bpflab.protocol.Diagnostic;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses clang's text diagnostics once into {@link Diagnostic}s on the learner's file. A complaint inside a header is
 * placed on the learner's #include line that pulled the header in, with the header's location in the message.
 */
final class ClangDiagnostics {
    private static final Pattern DIAGNOSTIC =
            Pattern.compile("^(.+?):(\\d+):(\\d+): (fatal error|error|warning|note): (.*)$");
    private static final Pattern INCLUDED_FROM = Pattern.compile("^In file included from (.+?):(\\d+):");

    private ClangDiagnostics() {
    }

    static List<Diagnostic> parse(String output, String sourceName) {
        List<Diagnostic> diagnostics = new ArrayList<>();
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
            if (!m.matches()) {
                continue;
            }
            String severity = m.group(4).equals("fatal error") ? "error" : m.group(4);
            String message = m.group(5);
            if (m.group(1).endsWith(sourceName)) {
                diagnostics.add(new Diagnostic(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), severity, message));
                includeLine = 0;
            } else if (!severity.equals("note")) {
                diagnostics.add(new Diagnostic(includeLine, 0, severity,
                        message + " (in " + m.group(1) + ":" + m.group(2) + ")"));
            }
        }
        return diagnostics;
    }
}
