package dev.bpflab.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one JSON codec of the run contract: every message of {@code /ws/run} and of the agent's JSON lines is decoded
 * and encoded here, and nowhere else. Decoding is strict: a field of the wrong type is refused (no "12" for 12, no
 * 1.5 for 1), nesting and string lengths are bounded, and every refusal is a {@link ProtocolException} whose
 * message names the field. Unknown fields are ignored (a newer page may send more).
 */
public final class RunJson {
    /** Deeper JSON than this is refused before it is built (a hostile agent or client cannot exhaust the stack). */
    static final int MAX_NESTING = 64;
    static final int MAX_STRING_CHARS = 1024 * 1024;

    private static final ObjectMapper MAPPER = configure(new ObjectMapper());
    private static final Map<Class<?>, List<String>> TYPES = Map.of(
            ClientMessage.class, typeNames(ClientMessage.class),
            ServerMessage.class, typeNames(ServerMessage.class),
            AgentMessage.class, typeNames(AgentMessage.class),
            AgentCommand.class, typeNames(AgentCommand.class));

    private RunJson() {
    }

    /**
     * bpflab's one Jackson configuration: strict scalars, no nulls written, bounded input. The server's REST layer
     * uses it too, through a Quarkus customizer.
     */
    @SuppressWarnings("deprecation") // MapperFeature on a built mapper: Quarkus hands its customizers a built one
    public static ObjectMapper configure(ObjectMapper mapper) {
        mapper.configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, false)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS) // no {"name": 3} for the fourth workload
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // A missing number is 0 (a diagnostic without a column); constructors refuse what 0 cannot mean.
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL);
        // A number or a boolean is not a string, and a number is not a boolean: say so instead of guessing.
        for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean}) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING)
                .maxStringLength(MAX_STRING_CHARS).build());
        return mapper;
    }

    /** The configured mapper, for JSON that is not a run message (REST bodies, lesson files). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static JsonNodeFactory nodes() {
        return MAPPER.getNodeFactory();
    }

    /** A browser's message on /ws/run. */
    public static ClientMessage client(String text) throws ProtocolException {
        return decode(text, ClientMessage.class, "{\"type\":\"run\",\"source\":\"…\"}");
    }

    /** One line an agent wrote (untrusted). */
    public static AgentMessage agent(String line) throws ProtocolException {
        return decode(line, AgentMessage.class, "{\"type\":\"phase\",\"phase\":\"attached\"}");
    }

    /** One line the server wrote to an agent. */
    public static AgentCommand command(String line) throws ProtocolException {
        return decode(line, AgentCommand.class, "{\"type\":\"run\",\"source\":\"…\",\"timeoutSeconds\":300}");
    }

    /** A message the server sent a browser (for clients and tests). */
    public static ServerMessage server(String text) throws ProtocolException {
        return decode(text, ServerMessage.class, "{\"type\":\"phase\",\"phase\":\"attached\"}");
    }

    /** One line of JSON for any message of the contract, {@code type} first. */
    public static String write(ClientMessage message) {
        return encode(message, ClientMessage.class);
    }

    public static String write(ServerMessage message) {
        return encode(message, ServerMessage.class);
    }

    public static String write(AgentMessage message) {
        return encode(message, AgentMessage.class);
    }

    public static String write(AgentCommand message) {
        return encode(message, AgentCommand.class);
    }

    /** The message types a direction has, e.g. ["run", "workload", "stop", "check"] for {@link ClientMessage}. */
    public static List<String> types(Class<?> direction) {
        List<String> names = TYPES.get(direction);
        if (names == null) {
            throw new IllegalArgumentException(direction + " is not a direction of the run contract");
        }
        return names;
    }

    private static String encode(Object message, Class<?> as) {
        try {
            return MAPPER.writerFor(as).writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a run message could not be written: " + e.getMessage(), e);
        }
    }

    private static <T> T decode(String text, Class<T> as, String example) throws ProtocolException {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (StreamConstraintsException e) {
            throw new ProtocolException("that message is too large to read: JSON nested at most " + MAX_NESTING
                    + " levels deep, names and strings at most " + MAX_STRING_CHARS / 1024 + " KiB; send e.g. " + example);
        } catch (JsonProcessingException e) {
            throw new ProtocolException("that message is not JSON (" + firstLine(e.getOriginalMessage())
                    + "); send one object, e.g. " + example);
        }
        if (node == null || !node.isObject()) {
            throw new ProtocolException("a message is one JSON object with a \"type\", e.g. " + example);
        }
        JsonNode type = node.get("type");
        List<String> known = TYPES.get(as);
        if (type == null || !type.isTextual() || !known.contains(type.asText())) {
            String what = type == null ? "a message without \"type\"" : "unknown message type "
                    + Checks.echo(type.isTextual() ? type.asText() : type.toString());
            throw new ProtocolException(what + ": send " + String.join(", ", known));
        }
        try {
            return MAPPER.treeToValue(node, as);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new ProtocolException(type.asText() + ": " + cause.getMessage());
        } catch (InvalidFormatException e) {
            throw new ProtocolException(type.asText() + ": " + field(e) + " " + expected(e.getTargetType(), e)
                    + ", was " + Checks.echo(String.valueOf(e.getValue())));
        } catch (MismatchedInputException e) {
            throw new ProtocolException(type.asText() + ": " + field(e) + " " + expected(e.getTargetType(), e));
        } catch (InputCoercionException e) {
            throw outOfRange(type.asText(), "a number");
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InputCoercionException || e.getOriginalMessage().startsWith("Numeric value (")) {
                // a number too large for its field, e.g. "timeoutSeconds": 99999999999999
                throw outOfRange(type.asText(), e instanceof JsonMappingException m ? field(m) : "a number");
            }
            if (cause instanceof IllegalArgumentException) {
                throw new ProtocolException(type.asText() + ": " + cause.getMessage());
            }
            throw new ProtocolException(type.asText() + ": " + firstLine(e.getOriginalMessage()));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(type.asText() + ": " + e.getMessage());
        }
    }

    private static ProtocolException outOfRange(String type, String field) {
        return new ProtocolException(type + ": " + field + " is out of range for its field; send a smaller whole number");
    }

    private static String field(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining()).replaceFirst("^\\.", "");
        return path.isEmpty() ? "the message" : "\"" + path + "\"";
    }

    private static String expected(Class<?> target, JsonMappingException e) {
        if (target == null) {
            return "has the wrong type";
        }
        if (target.isEnum()) {
            Object[] constants = target.getEnumConstants();
            List<String> names = java.util.Arrays.stream(constants).map(c -> c instanceof Workload w ? w.wireName()
                    : c instanceof RunPhase p ? p.wire() : c.toString()).toList();
            return "must be one of " + names;
        }
        if (target == Integer.class || target == int.class || target == Long.class || target == long.class) {
            return "must be a whole number";
        }
        if (target == Boolean.class || target == boolean.class) {
            return "must be true or false";
        }
        if (target == String.class) {
            return "must be a string";
        }
        if (Map.class.isAssignableFrom(target)) {
            return "must be an object";
        }
        if (List.class.isAssignableFrom(target)) {
            return "must be an array";
        }
        return "has the wrong type";
    }

    private static List<String> typeNames(Class<?> direction) {
        return java.util.Arrays.stream(direction.getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class).value())
                .map(com.fasterxml.jackson.annotation.JsonSubTypes.Type::name).toList();
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unreadable";
        }
        int nl = text.indexOf('\n');
        return Checks.clip(nl < 0 ? text : text.substring(0, nl), 120);
    }
}
