package dev.bpflab.compiler;

import dev.bpflab.protocol.Diagnostic;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Puts clang's complaint about a statement left without its {@code ;} on the line that lacks it. When the next
 * statement begins with a macro such as {@code bpf_printk(…)}, clang reads the two statements as one and complains at
 * the first token of the second ("expected expression"), a line after the mistake. An error at the first token of its
 * line, after a code line that ends the way an expression ends (not with {@code ;}, a brace, a comma, an operator, nor
 * a control header, preprocessor or {@code SEC()} line), moves to the end of that line and says a {@code ;} is
 * probably missing there, naming where clang complained.
 */
final class MissingSemicolon {
    /** What clang says at the second statement's first token when the first one lacks its ';'. */
    private static final Pattern AT_NEXT_STATEMENT = Pattern.compile("^(expected expression|expected ';'.*)$");
    /** A code line that needs no ';' of its own, or whose expression goes on past its end. */
    private static final Pattern NEEDS_NO_SEMICOLON = Pattern.compile(
            "^(#|SEC\\(|__attribute__|(\\}\\s*)?(if|for|while|switch|else|do)\\b).*|.*[;{},:(\\[\\\\=*/%&|^<>!?~]$"
                    + "|(.*[^+])?\\+$|(.*[^-])?-$"); // an operator goes on; "x++" and "x--" end

    private MissingSemicolon() {
    }

    /** {@code diagnostics} with each such complaint moved to the line before; {@code source} is the learner's text. */
    static List<Diagnostic> place(List<Diagnostic> diagnostics, String source) {
        if (source.isEmpty()) {
            return diagnostics;
        }
        String[] lines = source.split("\n", -1);
        List<Diagnostic> placed = new ArrayList<>(diagnostics.size());
        for (Diagnostic d : diagnostics) {
            placed.add(moved(d, lines));
        }
        return placed;
    }

    private static Diagnostic moved(Diagnostic d, String[] lines) {
        if (!d.isError() || d.line() < 2 || d.line() > lines.length || !AT_NEXT_STATEMENT.matcher(d.message()).matches()) {
            return d;
        }
        String here = lines[d.line() - 1];
        int firstToken = here.length() - here.stripLeading().length() + 1;
        if (d.column() != firstToken) {
            return d;
        }
        for (int i = d.line() - 2; i >= 0; i--) {
            String code = code(lines[i]);
            if (code.isEmpty()) {
                continue; // a blank or comment line between the two statements
            }
            if (NEEDS_NO_SEMICOLON.matcher(code.strip()).matches()) {
                return d;
            }
            int end = code.stripTrailing().length();
            return new Diagnostic(i + 1, end + 1, d.severity(), "a ';' is probably missing at the end of line "
                    + (i + 1) + " (clang: " + d.message() + ", at line " + d.line() + ", column " + d.column() + ")");
        }
        return d;
    }

    /** A line without its trailing {@code //} comment, or empty for a line that is only a comment. */
    private static String code(String line) {
        String stripped = line.strip();
        if (stripped.startsWith("//") || stripped.startsWith("/*") || stripped.startsWith("* ") || stripped.equals("*")
                || stripped.startsWith("*/")) {
            return "";
        }
        int comment = line.indexOf("//");
        // A "//" inside a string stays: only a comment after the last quote is cut.
        return comment >= 0 && comment > line.lastIndexOf('"') ? line.substring(0, comment) : line;
    }
}
