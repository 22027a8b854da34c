package dev.bpflab.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The numbers behind the enumerator names in one message. A value whose BTF type is an enum is decoded as its
 * enumerator's name ({@code "RULE_PORT"}); the message's {@code enums} object maps each name it uses to its number
 * ({@code {"RULE_PORT": 1}}), so the page can show both and a check written with the number still matches. Names are
 * C identifiers, and C gives every enumerator of a program one meaning, so a name maps to one number.
 */
public final class EnumNames {
    /** The most names one message carries. */
    public static final int MAX_NAMES = 256;
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    private EnumNames() {
    }

    /**
     * A message's {@code enums}, checked: null or empty becomes null (left out of the JSON); otherwise at most
     * {@link #MAX_NAMES} C identifiers, each with a number.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static Map<String, Long> checked(Map<String, Long> enums) {
        if (enums == null || enums.isEmpty()) {
            return null;
        }
        Checks.require(enums.size() <= MAX_NAMES, "\"enums\" names at most " + MAX_NAMES + " enumerators");
        for (Map.Entry<String, Long> e : enums.entrySet()) {
            Checks.require(e.getKey() != null && IDENTIFIER.matcher(e.getKey()).matches(),
                    "\"enums\" maps C identifiers (at most 128 characters) to numbers; was " + Checks.echo(e.getKey()));
            Checks.require(e.getValue() != null, "\"enums\" gives every name a number");
        }
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(enums));
    }

    /** The number behind {@code value} when it is one of the names of {@code enums} (which may be null). */
    public static OptionalLong number(Map<String, Long> enums, JsonNode value) {
        if (enums == null || value == null || !value.isTextual()) {
            return OptionalLong.empty();
        }
        Long number = enums.get(value.asText());
        return number == null ? OptionalLong.empty() : OptionalLong.of(number);
    }
}
