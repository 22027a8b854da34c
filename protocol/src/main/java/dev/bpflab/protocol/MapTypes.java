package dev.bpflab.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What a map holds, so a page can offer a typed form to write an entry (docs/run-contract.md, "map"): the map's
 * {@code kind} and the shape of its key and of its value, each a small JSON description made from the map's BTF:
 * <ul>
 * <li>{@code {"kind":"int","size":2,"signed":false}}: a whole number of {@code size} bytes;</li>
 * <li>{@code {"kind":"bool"}};</li>
 * <li>{@code {"kind":"enum","size":4,"names":{"ACTION_PASS":0,"ACTION_DROP":1}}}: a name, or its number;</li>
 * <li>{@code {"kind":"chars","size":16}}: a string of at most size - 1 bytes (UTF-8), the rest zeros;</li>
 * <li>{@code {"kind":"array","count":4,"of":{…}}};</li>
 * <li>{@code {"kind":"struct","fields":[{"name":"pid","type":{…}}]}}: an object with every field;</li>
 * <li>{@code {"kind":"unsupported","size":8,"why":"…"}}: a pointer, float, union or bitfield, which a write refuses.</li>
 * </ul>
 * The agent writes them (untrusted, like everything it says): each is an object of at most {@link #MAX_CHARS}
 * characters of JSON.
 *
 * @param kind one of {@link #KINDS}
 */
public record MapTypes(String kind, JsonNode key, JsonNode value) {
    /** The maps whose entries a page may write (and whose snapshots are sent). */
    public static final List<String> KINDS = List.of("hash", "array", "lru_hash", "percpu_hash", "percpu_array",
            "lru_percpu_hash");
    public static final int MAX_CHARS = 16 * 1024;

    public MapTypes {
        Checks.require(KINDS.contains(kind), "a map's \"types.kind\" is one of " + KINDS);
        check("key", key);
        check("value", value);
    }

    private static void check(String field, JsonNode type) {
        Checks.require(type != null && type.isObject() && type.path("kind").isTextual(),
                "a map's \"types." + field + "\" is an object with a \"kind\"");
        Checks.require(type.toString().length() <= MAX_CHARS, "a map's \"types." + field + "\" is at most " + MAX_CHARS
                + " characters of JSON");
    }
}
