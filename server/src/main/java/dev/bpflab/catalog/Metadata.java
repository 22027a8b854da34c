package dev.bpflab.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;

/**
 * Reads the required parts of a metadata file (template.json, lesson.json): non-empty strings and {es, en} texts.
 * A missing or malformed one becomes the caller's exception, with a message naming the file and the field.
 */
public final class Metadata {
    private Metadata() {
    }

    public static String text(JsonNode node, String field, String where, Function<String, RuntimeException> error) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw error.apply(where + ": '" + field + "' must be a non-empty string");
        }
        return value.asText();
    }

    public static LocalizedText localized(JsonNode node, String field, String where,
            Function<String, RuntimeException> error) {
        JsonNode value = node.get(field);
        if (value == null || !value.isObject()) {
            throw error.apply(where + ": '" + field + "' must be an object {\"es\": …, \"en\": …}");
        }
        return new LocalizedText(text(value, "es", where + " " + field, error), text(value, "en", where + " " + field, error));
    }
}
