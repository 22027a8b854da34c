package dev.bpflab.rooms;

import java.util.regex.Pattern;

/** How text from browsers and runs is made fit for a room: trimmed, one line, no control characters, bounded. */
final class RoomText {
    /** A lesson or template id: letters, digits, '.', '_', '-'; 1 to 100 characters. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    /** The longest run message (error, check verdict, diagnostic) a room keeps, in characters. */
    static final int MAX_MESSAGE_CHARS = 300;

    private RoomText() {
    }

    /** Trims, drops control characters, folds runs of whitespace and cuts to {@code max} code points; null → "". */
    static String clean(String text, int max) {
        if (text == null) {
            return "";
        }
        String cleaned = text.replaceAll("\\p{Cntrl}", " ").replaceAll("\\s+", " ").strip();
        if (cleaned.codePointCount(0, cleaned.length()) > max) {
            cleaned = cleaned.substring(0, cleaned.offsetByCodePoints(0, max)).strip();
        }
        return cleaned;
    }

    /** The first non-blank line of {@code text}, cleaned to {@link #MAX_MESSAGE_CHARS}; null stays null. */
    static String firstLine(String text) {
        if (text == null) {
            return null;
        }
        String line = text.strip();
        int nl = line.indexOf('\n');
        return clean(nl < 0 ? line : line.substring(0, nl), MAX_MESSAGE_CHARS);
    }

    /** A duration for a message: "12 h", "90 min", "3 d" (whole units, rounded down; "0 min" under a minute). */
    static String duration(long millis) {
        long minutes = millis / 60_000;
        if (minutes % (24 * 60) == 0 && minutes > 0) {
            return minutes / (24 * 60) + " d";
        }
        return minutes % 60 == 0 && minutes > 0 ? minutes / 60 + " h" : minutes + " min";
    }

    static boolean isId(String text) {
        return text != null && ID.matcher(text).matches();
    }
}
