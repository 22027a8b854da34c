package dev.bpflab.protocol;

/**
 * How an error repeats what a client sent: at most {@link #MAX_CHARS} characters of it, on one line, in single
 * quotes, cut with {@code …}. An error is then never larger than the mistake, however long the mistake was (no
 * amplification). Shared by the run contract's errors and the server's own.
 */
public final class Echo {
    /** The most characters of a client's text an error repeats. */
    public static final int MAX_CHARS = 40;

    private Echo() {
    }

    /** {@code 'text'}, cut to {@link #MAX_CHARS} characters with {@code …}, control characters as spaces; null → {@code null}. */
    public static String of(String text) {
        if (text == null) {
            return "null";
        }
        String cut = text;
        if (text.length() > MAX_CHARS) {
            int end = Character.isHighSurrogate(text.charAt(MAX_CHARS - 2)) ? MAX_CHARS - 2 : MAX_CHARS - 1;
            cut = text.substring(0, end) + "…";
        }
        return "'" + cut.replaceAll("\\p{Cntrl}", " ") + "'";
    }
}
