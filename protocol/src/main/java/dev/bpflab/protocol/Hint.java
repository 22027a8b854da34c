package dev.bpflab.protocol;

import java.util.regex.Pattern;

/**
 * What a diagnostic of a known kind means in plain words, and the usual fix, in both languages of the lessons: the
 * page shows the learner's language. Both texts travel so the page needs no catalogue of its own and a share or a
 * room's log shows the same hint in either language; the {@code kind} lets graders and metrics count kinds.
 *
 * @param kind a stable id from the catalogue ({@link DiagnosticHints}), lowercase words joined by '-'
 * @param es   the hint in Spanish, at most {@link #MAX_TEXT_CHARS} characters
 * @param en   the same hint in English, at most {@link #MAX_TEXT_CHARS} characters
 */
public record Hint(String kind, String es, String en) {
    public static final int MAX_TEXT_CHARS = 600;
    private static final Pattern KIND = Pattern.compile("[a-z0-9]+(-[a-z0-9]+){0,7}");

    public Hint {
        Checks.require(kind != null && kind.length() <= 60 && KIND.matcher(kind).matches(),
                "a hint's \"kind\" is lowercase words joined by '-'");
        es = Checks.clip(Checks.present(es, "a hint needs its Spanish text \"es\""), MAX_TEXT_CHARS);
        en = Checks.clip(Checks.present(en, "a hint needs its English text \"en\""), MAX_TEXT_CHARS);
    }
}
