package dev.bpflab.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Set;

/**
 * One compiler or verifier complaint, at a line and column of the learner's own source (1-based; 0 = unknown).
 *
 * @param severity "error", "warning", "note" or "fatal", as clang says it
 * @param message  one sentence for the learner; at most {@link #MAX_MESSAGE_CHARS} characters
 * @param hint     what the rule behind a known kind of message is and the usual fix, in es and en; null (left out of
 *                 the JSON) when the message is of no known kind ({@link DiagnosticHints})
 */
public record Diagnostic(int line, int column, String severity, String message, Hint hint) {
    public static final Set<String> SEVERITIES = Set.of("error", "warning", "note", "fatal");
    public static final int MAX_MESSAGE_CHARS = 4096;

    @JsonCreator
    public Diagnostic {
        Checks.require(line >= 0 && column >= 0, "a diagnostic's \"line\" and \"column\" are 0 or more");
        Checks.require(severity != null && SEVERITIES.contains(severity),
                "a diagnostic's \"severity\" is one of " + SEVERITIES);
        message = Checks.clip(Checks.present(message, "a diagnostic needs a \"message\""), MAX_MESSAGE_CHARS);
    }

    /** A diagnostic without a hint. */
    public Diagnostic(int line, int column, String severity, String message) {
        this(line, column, severity, message, null);
    }

    /** This diagnostic with {@code hint} (null: without one). */
    public Diagnostic withHint(Hint hint) {
        return new Diagnostic(line, column, severity, message, hint);
    }

    /** An error or a fatal error (what stops a build), as opposed to a warning or a note. */
    @JsonIgnore
    public boolean isError() {
        return "error".equals(severity) || "fatal".equals(severity);
    }
}
