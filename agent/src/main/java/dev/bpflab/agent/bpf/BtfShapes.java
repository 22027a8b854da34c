package dev.bpflab.agent.bpf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A map key's or value's BTF type as the small JSON description a page builds an entry form from
 * ({@link dev.bpflab.protocol.MapTypes} documents the shapes): int, bool, enum, chars, array, struct, and
 * "unsupported" for what {@link BtfEncoder} refuses. Bounded: at most {@link #MAX_ITEMS} fields or enumerator names
 * per type, {@link #MAX_DEPTH} levels.
 */
final class BtfShapes {
    static final int MAX_ITEMS = 64;
    private static final int MAX_DEPTH = 4;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Btf btf;

    BtfShapes(Btf btf) {
        this.btf = btf;
    }

    JsonNode describe(int typeId) {
        return describe(typeId, 0);
    }

    private JsonNode describe(int typeId, int depth) {
        BtfType type = btf.resolve(typeId);
        ObjectNode shape = JSON.objectNode();
        if (depth > MAX_DEPTH) {
            return unsupported(shape, "nested too deeply", typeId);
        }
        switch (type.kind()) {
            case BtfType.INT -> {
                if (type.intEncoding().isBool()) {
                    shape.put("kind", "bool");
                } else if (type.size() == 1 || type.size() == 2 || type.size() == 4 || type.size() == 8) {
                    shape.put("kind", "int").put("size", type.size()).put("signed", type.intEncoding().signed());
                } else {
                    return unsupported(shape, unsupported(type), typeId);
                }
            }
            case BtfType.ENUM, BtfType.ENUM64 -> {
                shape.put("kind", "enum").put("size", type.size());
                ObjectNode names = shape.putObject("names");
                type.enumValues().stream().limit(MAX_ITEMS).forEach(v -> names.put(v.name(), v.value()));
            }
            case BtfType.ARRAY -> {
                BtfType element = btf.resolve(type.array().elementType());
                if (isChar(element)) {
                    shape.put("kind", "chars").put("size", type.array().count());
                } else {
                    shape.put("kind", "array").put("count", type.array().count())
                            .set("of", describe(type.array().elementType(), depth + 1));
                }
            }
            case BtfType.STRUCT -> {
                if (type.members().size() > MAX_ITEMS) {
                    return unsupported(shape, "a struct of more than " + MAX_ITEMS + " fields", typeId);
                }
                shape.put("kind", "struct");
                if (!type.name().isEmpty()) {
                    shape.put("name", type.name());
                }
                ArrayNode fields = shape.putArray("fields");
                for (BtfType.Member member : type.members()) {
                    if (member.name().isEmpty() || member.bitSize() > 0) {
                        return unsupported(JSON.objectNode(), "a struct with a bitfield or an unnamed member", typeId);
                    }
                    fields.addObject().put("name", member.name()).set("type", describe(member.typeId(), depth + 1));
                }
            }
            default -> {
                return unsupported(shape, unsupported(type), typeId);
            }
        }
        return shape;
    }

    private JsonNode unsupported(ObjectNode shape, String why, int typeId) {
        return shape.put("kind", "unsupported").put("size", btf.sizeOf(typeId)).put("why", why);
    }

    /** What a type the lab does not write is, in words: "a pointer", "a union", … */
    static String unsupported(BtfType type) {
        return switch (type.kind()) {
            case BtfType.PTR -> "a pointer";
            case BtfType.UNION -> "a union";
            case BtfType.FLOAT -> "a floating-point number";
            case BtfType.INT -> "a " + type.size() * 8 + "-bit integer";
            default -> "a type of BTF kind " + type.kind();
        };
    }

    /** A one-byte int named char (or with BTF's char encoding): arrays of it are strings. */
    static boolean isChar(BtfType type) {
        return type.kind() == BtfType.INT && type.size() == 1
                && (type.intEncoding().isChar() || "char".equals(type.name()));
    }
}
