package dev.bpflab.catalog;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;
import java.util.Optional;

/** The kinds of value a template parameter can take; each has its own validation and C rendering. */
public enum ParamType {
    INT, STRING, ENUM, BOOL, IPV4;

    @JsonValue
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<ParamType> fromJsonName(String name) {
        for (ParamType type : values()) {
            if (type.jsonName().equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
