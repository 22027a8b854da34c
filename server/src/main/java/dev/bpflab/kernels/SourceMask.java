package dev.bpflab.kernels;

/**
 * A C source with its comments and literals blanked out (each of their characters a space, newlines kept), so that
 * words are found only in code and every offset still points where it did. The string right after {@code SEC(} is
 * kept: the section name says what kind of program it is.
 */
final class SourceMask {
    private SourceMask() {
    }

    static String codeOnly(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            char next = i + 1 < n ? source.charAt(i + 1) : '\0';
            if (c == '/' && next == '/') {
                int end = source.indexOf('\n', i);
                i = blank(source, out, i, end < 0 ? n : end);
            } else if (c == '/' && next == '*') {
                int end = source.indexOf("*/", i + 2);
                i = blank(source, out, i, end < 0 ? n : end + 2);
            } else if (c == '"' || c == '\'') {
                int end = literalEnd(source, i);
                if (c == '"' && afterSec(out)) {
                    out.append(source, i, end);
                    i = end;
                } else {
                    out.append(c);
                    i = blank(source, out, i + 1, end);
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Where the literal opened at {@code start} ends (after its closing quote, or at the line's end when unclosed). */
    private static int literalEnd(String source, int start) {
        char quote = source.charAt(start);
        int i = start + 1;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == quote) {
                return i + 1;
            } else if (c == '\n') {
                return i;
            } else {
                i++;
            }
        }
        return source.length();
    }

    /** Appends a space for every character of {@code source[from, to)} but newlines; returns {@code to}. */
    private static int blank(String source, StringBuilder out, int from, int to) {
        int end = Math.min(to, source.length());
        for (int i = from; i < end; i++) {
            out.append(source.charAt(i) == '\n' ? '\n' : ' ');
        }
        return end;
    }

    /** Whether the code so far ends with {@code SEC(} (spaces allowed), a whole word. */
    private static boolean afterSec(StringBuilder code) {
        int i = code.length() - 1;
        while (i >= 0 && Character.isWhitespace(code.charAt(i))) {
            i--;
        }
        if (i < 0 || code.charAt(i) != '(') {
            return false;
        }
        i--;
        while (i >= 0 && Character.isWhitespace(code.charAt(i))) {
            i--;
        }
        return i >= 2 && code.substring(i - 2, i + 1).equals("SEC")
                && (i < 3 || !Character.isJavaIdentifierPart(code.charAt(i - 3)));
    }
}
