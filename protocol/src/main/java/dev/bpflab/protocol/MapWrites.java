package dev.bpflab.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/**
 * The shape checks every map write ({@code map_update}, {@code map_delete}) gets on its way in, from a browser and
 * again on the agent's side: a map name, a key (and a value) that are JSON scalars, objects or arrays of bounded size.
 * Whether they fit the map's BTF types is the agent's to say ({@link ServerMessage.MapWritten}): only it has them.
 */
public final class MapWrites {
    /** The most characters a key or a value takes as JSON. */
    public static final int MAX_JSON_CHARS = 4096;
    /** A map's name as libbpf knows it: a C identifier. */
    static final Pattern MAP_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    static final String EXAMPLE = "{\"type\":\"map_update\",\"map\":\"blocked_ports\",\"key\":7778,\"value\":\"ACTION_DROP\"}";

    private MapWrites() {
    }

    static void checkMap(String map) {
        Checks.require(map != null && MAP_NAME.matcher(map).matches(), "\"map\" must name one of the run's hash or "
                + "array maps, as the Maps tab shows it (a C identifier), was " + Checks.echo(map) + "; e.g. " + EXAMPLE);
    }

    /** {@code field} ("key" or "value") is present, not null, and at most {@link #MAX_JSON_CHARS} characters of JSON. */
    static JsonNode checkPart(String field, JsonNode part) {
        Checks.require(part != null && !part.isMissingNode() && !part.isNull(), "\"" + field + "\" is missing: send the "
                + "entry's " + field + " typed as the Maps tab shows it, e.g. " + EXAMPLE);
        Checks.require(part.isNumber() || part.isTextual() || part.isBoolean() || part.isObject() || part.isArray(),
                "\"" + field + "\" must be a number, a string, true/false, an object of fields or an array");
        int chars = part.toString().length();
        Checks.require(chars <= MAX_JSON_CHARS, "\"" + field + "\" is " + chars + " characters of JSON; the limit is "
                + MAX_JSON_CHARS);
        return part;
    }
}
