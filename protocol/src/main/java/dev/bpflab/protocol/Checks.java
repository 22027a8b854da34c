package dev.bpflab.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The small checks the messages' constructors make; a failed one is a {@link IllegalArgumentException} for the sender. */
final class Checks {
    private Checks() {
    }

    static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * A program's text is whole Unicode: a lone UTF-16 surrogate (half of a character, e.g. "\ud800" sent by a
     * script, or left by a broken paste) cannot be written to the compiler's file, so it is refused here with the line
     * it is on. Null passes (absence is the caller's to check).
     */
    static void wholeText(String source, String field) {
        if (source == null) {
            return;
        }
        int line = 1;
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '\n') {
                line++;
            } else if (Character.isHighSurrogate(c) && i + 1 < source.length() && Character.isLowSurrogate(source.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("\"" + field + "\" has a broken character on line " + line
                        + " (half of a UTF-16 pair, \\u" + Integer.toHexString(c) + "): delete it and type it again");
            }
        }
    }

    static String present(String value, String problem) {
        require(value != null && !value.isBlank(), problem);
        return value;
    }

    /**
     * An {@code xdpInterface} names the sandbox's own lab interface ({@value AgentCommand#DEFAULT_XDP_INTERFACE}, a
     * veth pair inside the sandbox) or nothing: XDP on any other interface would filter real traffic (with the local
     * backend, the host's).
     */
    static void labInterface(String xdpInterface) {
        require(xdpInterface == null || xdpInterface.equals(AgentCommand.DEFAULT_XDP_INTERFACE),
                "\"xdpInterface\" may only be \"" + AgentCommand.DEFAULT_XDP_INTERFACE + "\", the sandbox's own lab "
                        + "interface (leave it out for the same); was " + echo(xdpInterface));
    }

    private static final Pattern FACT_NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");

    /**
     * A workload answer's facts, checked: at most {@link ServerMessage#MAX_WORKLOAD_FACTS}, each named
     * {@code [a-z][a-z0-9_]{0,31}} and holding an integer or a string of at most {@link ServerMessage#MAX_FACT_CHARS}
     * characters. Integers come back as {@code Long}; the order is kept.
     */
    static Map<String, Object> facts(Map<String, Object> facts) {
        return named(facts, "a workload answer", "workload fact");
    }

    /** An error's {@code args}: the same rules as a workload answer's facts (the page says them in its language). */
    static Map<String, Object> errorArgs(Map<String, Object> args) {
        return named(args, "an error", "error argument");
    }

    /** Values named {@code [a-z][a-z0-9_]{0,31}}, each an integer or a short string; {@code holder} has them. */
    private static Map<String, Object> named(Map<String, Object> values, String holder, String what) {
        if (values == null || values.isEmpty()) {
            return Map.of();
        }
        require(values.size() <= ServerMessage.MAX_WORKLOAD_FACTS, holder + " has at most "
                + ServerMessage.MAX_WORKLOAD_FACTS + " " + (what.endsWith("fact") ? "facts" : "arguments") + ", had "
                + values.size());
        Map<String, Object> checked = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            require(name != null && FACT_NAME.matcher(name).matches(),
                    "a " + what + "'s name is [a-z][a-z0-9_]{0,31}, was " + echo(name));
            if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
                checked.put(name, ((Number) value).longValue());
            } else if (value instanceof String text && text.length() <= ServerMessage.MAX_FACT_CHARS) {
                checked.put(name, text);
            } else {
                throw new IllegalArgumentException(what + " \"" + name + "\" must be an integer or a string of "
                        + "at most " + ServerMessage.MAX_FACT_CHARS + " characters");
            }
        });
        return Collections.unmodifiableMap(checked);
    }

    static String clip(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max - 1) + "…";
    }

    /** A client's text quoted back in an error ({@link Echo}). */
    static String echo(String value) {
        return Echo.of(value);
    }
}
