package dev.bpflab.compiler;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where in a program that hit a compile limit the cause most likely is, since clang stopped by a limit says nothing:
 * for memory and time, the macro that expands into the most copies of other macros (a preprocessor bomb); for the
 * object size, the array declared with the largest constant size. Line 0 when nothing stands out.
 */
final class LimitHint {
    private static final Pattern DEFINE = Pattern.compile("^\\s*#\\s*define\\s+([A-Za-z_]\\w*)(?:\\([^)]*\\))?\\s+(.*)$");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_]\\w*");
    // [N], [N << M], [N * M], [1UL << 30]: the sizes a huge array is usually written with
    private static final Pattern ARRAY_SIZE = Pattern.compile(
            "\\[\\s*(\\d+)[uUlL]*\\s*(?:(<<|\\*)\\s*\\(?\\s*(\\d+)[uUlL]*\\s*\\)?)?\\s*\\]");

    private LimitHint() {
    }

    /** The line of the macro whose body repeats other macros the most times (at least twice), or 0. */
    static int macroExpansionLine(String source) {
        String[] lines = source.split("\n", -1);
        java.util.Set<String> macros = new java.util.HashSet<>();
        int bestLine = 0;
        int bestCount = 1;
        for (int i = 0; i < lines.length; i++) {
            Matcher define = DEFINE.matcher(lines[i]);
            if (!define.matches()) {
                continue;
            }
            int uses = 0;
            Matcher word = IDENTIFIER.matcher(define.group(2));
            while (word.find()) {
                if (macros.contains(word.group())) {
                    uses++;
                }
            }
            if (uses >= bestCount) { // ties go to the later, bigger macro of a chain
                bestCount = uses;
                bestLine = i + 1;
            }
            macros.add(define.group(1));
        }
        return bestCount >= 2 ? bestLine : 0;
    }

    /** The line of the array declared with the largest constant size (at least 1 MiB), or 0. */
    static int largestArrayLine(String source) {
        String[] lines = source.split("\n", -1);
        int bestLine = 0;
        double best = 1024 * 1024 - 1;
        for (int i = 0; i < lines.length; i++) {
            Matcher size = ARRAY_SIZE.matcher(lines[i]);
            while (size.find()) {
                double value = Double.parseDouble(size.group(1));
                if ("<<".equals(size.group(2))) {
                    value *= Math.pow(2, Math.min(62, Double.parseDouble(size.group(3))));
                } else if ("*".equals(size.group(2))) {
                    value *= Double.parseDouble(size.group(3));
                }
                if (value > best) {
                    best = value;
                    bestLine = i + 1;
                }
            }
        }
        return bestLine;
    }
}
