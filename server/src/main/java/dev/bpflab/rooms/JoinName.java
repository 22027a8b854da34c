package dev.bpflab.rooms;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The display name a student joins with, checked rather than silently altered: at most {@link #MAX_CHARS} characters
 * (code points), at least one letter, and none of the invisible characters that change how other text shows
 * (controls, text-direction overrides such as U+202E, other format characters, private-use and lone surrogates).
 * Zero-width joiners (U+200C, U+200D) stay: scripts and emoji need them. Runs of spaces fold into one. The join page
 * checks the same ({@code web/src/dashboard/join-name.js}).
 */
final class JoinName {
    static final int MAX_CHARS = 40;
    private static final Pattern INVISIBLE = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Co}\\p{Cs}&&[^\\u200C\\u200D]]");
    private static final Pattern LETTER = Pattern.compile("\\p{L}");

    private JoinName() {
    }

    /** The name to keep for {@code requested}, or a 400 that says what to change. */
    static String check(String requested) throws RoomException {
        String name = requested == null ? "" : requested.strip().replaceAll("[\\s\\u00A0]+", " ");
        if (name.isEmpty()) {
            throw new RoomException(400, "Give a display name (\"name\"), up to " + MAX_CHARS + " characters.");
        }
        Matcher invisible = INVISIBLE.matcher(name);
        if (invisible.find()) {
            throw new RoomException(400, String.format("The name holds an invisible character (U+%04X) that changes how "
                    + "text shows; type the name again without it.", name.codePointAt(invisible.start())));
        }
        int length = name.codePointCount(0, name.length());
        if (length > MAX_CHARS) {
            throw new RoomException(400, "A name may be at most " + MAX_CHARS + " characters; this one has " + length
                    + ". Shorten it.");
        }
        if (!LETTER.matcher(name).find()) {
            throw new RoomException(400, "A name needs at least one letter, so your instructor can tell who you are "
                    + "(numbers or symbols alone are not a name).");
        }
        return name;
    }
}
