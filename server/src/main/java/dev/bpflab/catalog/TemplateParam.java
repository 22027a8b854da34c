package dev.bpflab.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bpflab.protocol.Echo;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One parameter of a template, as its metadata declares it.
 * For {@code int} min/max bound the value; for {@code string} they bound the length in bytes, and {@code pattern}
 * must match the whole value.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TemplateParam(
        String name,
        ParamType type,
        @JsonProperty("default") Object defaultValue,
        Long min,
        Long max,
        String pattern,
        List<String> values,
        LocalizedText description) {

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?[0-9]{1,18}");

    /**
     * Checks a value sent by a client and returns it in its canonical Java form: Long, String or Boolean.
     * A null value means "use the default".
     */
    Object validate(Object value) {
        if (value == null) {
            return defaultValue;
        }
        return switch (type) {
            case INT -> validateInt(value);
            case STRING -> validateString(value);
            case ENUM -> validateEnum(value);
            case BOOL -> validateBool(value);
            case IPV4 -> validateIpv4(value);
        };
    }

    /**
     * Adds this parameter's (already validated) value to the FreeMarker data model. Templates never see a raw string:
     * a string parameter {@code x} becomes a C string literal, quotes included, plus {@code x_len}, its length in bytes;
     * an ipv4 parameter {@code x} becomes a host-order hex constant plus {@code x_dotted}; an enum is one of the
     * identifiers its metadata lists.
     */
    void addToModel(Object value, Map<String, Object> model) {
        switch (type) {
            case STRING -> {
                String text = (String) value;
                model.put(name, CString.literal(text));
                model.put(name + "_len", text.getBytes(StandardCharsets.UTF_8).length);
            }
            case IPV4 -> {
                String dotted = (String) value;
                long address = 0;
                for (String part : dotted.split("\\.")) {
                    address = (address << 8) | Long.parseLong(part);
                }
                model.put(name, String.format("0x%08x", address));
                model.put(name + "_dotted", dotted);
            }
            default -> model.put(name, value);
        }
    }

    private Long validateInt(Object value) {
        Long number = null;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            number = ((Number) value).longValue();
        } else if (value instanceof BigInteger big && big.bitLength() < 63) {
            number = big.longValue();
        } else if (value instanceof BigDecimal || value instanceof Double || value instanceof Float) {
            BigDecimal decimal = new BigDecimal(value.toString());
            if (decimal.stripTrailingZeros().scale() <= 0 && decimal.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0) {
                number = decimal.longValueExact();
            }
        } else if (value instanceof String text && WHOLE_NUMBER.matcher(text.strip()).matches()) {
            number = Long.parseLong(text.strip());
        }
        if (number == null || (min != null && number < min) || (max != null && number > max)) {
            throw new TemplateParameterException(name, "must be a whole number " + range() + "; got " + shown(value));
        }
        return number;
    }

    private String range() {
        if (min != null && max != null) {
            return "from " + min + " to " + max;
        }
        if (min != null) {
            return "of at least " + min;
        }
        return max != null ? "of at most " + max : "";
    }

    private String validateString(Object value) {
        if (!(value instanceof String text)) {
            throw new TemplateParameterException(name, "must be a text; got " + shown(value));
        }
        // the pattern first, so an injection attempt hears why; a huge value never reaches the regex engine
        if (pattern != null && text.length() <= 4096 && !Pattern.compile(pattern).matcher(text).matches()) {
            throw new TemplateParameterException(name, "does not accept " + shown(text) + ": it must match the pattern "
                    + pattern + (description == null ? "" : " (" + description.en() + ")"));
        }
        int length = text.getBytes(StandardCharsets.UTF_8).length;
        if (max != null && length > max) {
            throw new TemplateParameterException(name, "must be at most " + max + " characters long; got " + length);
        }
        if (min != null && length < min) {
            throw new TemplateParameterException(name, "must be at least " + min + " characters long; got " + length);
        }
        return text;
    }

    private String validateEnum(Object value) {
        if (value instanceof String text && values.contains(text)) {
            return text;
        }
        throw new TemplateParameterException(name, "must be one of " + String.join(", ", values) + "; got " + shown(value));
    }

    private Boolean validateBool(Object value) {
        if (value instanceof Boolean flag) {
            return flag;
        }
        if ("true".equals(value) || "false".equals(value)) {
            return Boolean.valueOf((String) value);
        }
        throw new TemplateParameterException(name, "must be true or false; got " + shown(value));
    }

    private String validateIpv4(Object value) {
        if (value instanceof String text && IPV4.matcher(text).matches()) {
            return text;
        }
        throw new TemplateParameterException(name,
                "must be an IPv4 address in dotted form such as 169.254.77.2 (0.0.0.0 turns the rule off); got " + shown(value));
    }

    /**
     * A client's value, quoted and cut short, safe to put in a message: {@code "\"); x"} for {@code "); x}; a value that
     * is not a text (a number, a list, an object) is cut short too.
     */
    static String shown(Object value) {
        if (!(value instanceof String text)) {
            return escaped(String.valueOf(value), false);
        }
        return '"' + escaped(text, true) + '"';
    }

    /** Text cut to {@link Echo#MAX_CHARS} characters with control characters written as \\xNN. */
    static String printable(String text) {
        return escaped(text, false);
    }

    private static String escaped(String text, boolean inQuotes) {
        String cut = text.length() > Echo.MAX_CHARS ? text.substring(0, Echo.MAX_CHARS - 1) + "…" : text;
        StringBuilder out = new StringBuilder();
        cut.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
            } else if (inQuotes && (c == '"' || c == '\\')) {
                out.append('\\').appendCodePoint(c);
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
