package dev.bpflab.agent.bpf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.protocol.Echo;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The other way of {@link BtfDecoder}: JSON typed as a map snapshot shows it, turned into the bytes of a BTF type, for
 * a map write. Whole numbers (range-checked for their size and sign), {@code true}/{@code false} for a bool, an
 * enumerator's name or number for an enum, a string for a char array (its UTF-8 bytes and a zero byte must fit), an
 * array of exactly as many items for an array, an object with exactly the struct's fields for a struct. Anything else
 * (pointers, floats, unions, bitfields) is refused. Every refusal names the place ({@code "key"},
 * {@code "value.comm"}, {@code "value.slots[2]"}) and says what it expects. The JSON is untrusted (a browser's);
 * nothing here trusts its size or depth.
 */
final class BtfEncoder {
    private static final int MAX_DEPTH = 8;

    private final Btf btf;

    BtfEncoder(Btf btf) {
        this.btf = btf;
    }

    /**
     * {@code json} as {@code size} bytes of type {@code typeId} (in the machine's byte order, padding zero).
     *
     * @param place what the JSON is, for errors: "key" or "value"
     * @throws MapWriteException naming the place and what it must be
     */
    byte[] encode(int typeId, JsonNode json, int size, String place) throws MapWriteException {
        long typeSize = btf.sizeOf(typeId);
        if (typeSize != size) {
            throw new MapWriteException("\"" + place + "\": the map's " + place + " is " + size + " bytes but its BTF type "
                    + "is " + typeSize + "; the lab cannot type it");
        }
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
        write(typeId, json, out, 0, place, 0);
        return out.array();
    }

    private void write(int typeId, JsonNode json, ByteBuffer out, int offset, String place, int depth)
            throws MapWriteException {
        if (depth > MAX_DEPTH) {
            throw new MapWriteException("\"" + place + "\" is nested deeper than " + MAX_DEPTH + " levels; the lab writes "
                    + "only types nested less deeply");
        }
        BtfType type = btf.resolve(typeId);
        switch (type.kind()) {
            case BtfType.INT -> writeInt(type, declaredName(typeId), json, out, offset, place);
            case BtfType.ENUM, BtfType.ENUM64 -> writeEnum(type, json, out, offset, place);
            case BtfType.ARRAY -> writeArray(type, json, out, offset, place, depth);
            case BtfType.STRUCT -> writeStruct(type, json, out, offset, place, depth);
            default -> throw new MapWriteException("\"" + place + "\" is " + BtfShapes.unsupported(type) + ", which the "
                    + "lab does not write: only whole numbers, bools, enums, char arrays, and arrays and structs of them");
        }
    }

    /** The name the program gave the type: its first typedef ("__u16"), else the type's own ("unsigned short"). */
    private String declaredName(int typeId) {
        BtfType t = btf.type(typeId);
        while (t.isModifier() && (t.kind() != BtfType.TYPEDEF || t.name().isEmpty())) {
            t = btf.type(t.referencedType());
        }
        return t.name();
    }

    private static void writeInt(BtfType type, String name, JsonNode json, ByteBuffer out, int offset, String place)
            throws MapWriteException {
        if (type.intEncoding().isBool()) {
            if (!json.isBoolean()) {
                throw new MapWriteException("\"" + place + "\" must be true or false, was " + echo(json));
            }
            out.put(offset, (byte) (json.booleanValue() ? 1 : 0));
            return;
        }
        if (type.size() != 1 && type.size() != 2 && type.size() != 4 && type.size() != 8) {
            throw new MapWriteException("\"" + place + "\" is a " + type.size() * 8 + "-bit integer, which the lab does "
                    + "not write (8, 16, 32 and 64 bits only)");
        }
        boolean signed = type.intEncoding().signed();
        BigInteger min = signed ? BigInteger.ONE.shiftLeft(type.size() * 8 - 1).negate() : BigInteger.ZERO;
        BigInteger max = signed ? BigInteger.ONE.shiftLeft(type.size() * 8 - 1).subtract(BigInteger.ONE)
                : BigInteger.ONE.shiftLeft(type.size() * 8).subtract(BigInteger.ONE);
        String what = (name.isEmpty() ? (signed ? "a signed " : "an unsigned ") + type.size() * 8 + "-bit integer"
                : name) + ", " + min + " to " + max;
        if (!json.isIntegralNumber()) {
            throw new MapWriteException("\"" + place + "\" must be a whole number (" + what + "), was " + echo(json));
        }
        BigInteger value = json.bigIntegerValue();
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new MapWriteException("\"" + place + "\": " + value + " is out of range for " + what);
        }
        putLong(out, offset, type.size(), value.longValue());
    }

    private static void writeEnum(BtfType type, JsonNode json, ByteBuffer out, int offset, String place)
            throws MapWriteException {
        String names = type.enumValues().stream().limit(16).map(BtfType.EnumValue::name).collect(Collectors.joining(", "))
                + (type.enumValues().size() > 16 ? ", …" : "");
        String what = "enum " + (type.name().isEmpty() ? "" : type.name() + " ") + "(" + names + ")";
        long value;
        if (json.isTextual()) {
            BtfType.EnumValue named = type.enumValues().stream().filter(v -> v.name().equals(json.asText())).findFirst()
                    .orElseThrow(() -> new MapWriteException("\"" + place + "\": " + Echo.of(json.asText()) + " is not a name of "
                            + what + "; send one of those names, or a number"));
            value = named.value();
        } else if (json.isIntegralNumber() && json.canConvertToLong()) {
            value = json.longValue();
            long bits = type.size() * 8L;
            if (bits < 64 && (value < -(1L << (bits - 1)) || value >= (1L << bits))) {
                throw new MapWriteException("\"" + place + "\": " + value + " does not fit " + what + ", which is "
                        + type.size() + " bytes");
            }
        } else {
            throw new MapWriteException("\"" + place + "\" must be a name of " + what + " or a number, was " + echo(json));
        }
        putLong(out, offset, type.size(), value);
    }

    private void writeArray(BtfType type, JsonNode json, ByteBuffer out, int offset, String place, int depth)
            throws MapWriteException {
        BtfType element = btf.resolve(type.array().elementType());
        int count = type.array().count();
        if (BtfShapes.isChar(element)) {
            if (!json.isTextual()) {
                throw new MapWriteException("\"" + place + "\" must be a string (a char[" + count + "]), was " + echo(json));
            }
            byte[] text = json.asText().getBytes(StandardCharsets.UTF_8);
            if (text.length > count - 1 || json.asText().indexOf('\0') >= 0) {
                throw new MapWriteException("\"" + place + "\" is " + text.length + " bytes; a char[" + count + "] holds "
                        + "at most " + (count - 1) + " (and the zero byte that ends it), with no zero byte inside");
            }
            out.put(offset, text);
            return;
        }
        if (!json.isArray() || json.size() != count) {
            throw new MapWriteException("\"" + place + "\" must be an array of exactly " + count + " items, was "
                    + echo(json));
        }
        long elementSize = btf.sizeOf(type.array().elementType());
        for (int i = 0; i < count; i++) {
            write(type.array().elementType(), json.get(i), out, (int) (offset + i * elementSize), place + "[" + i + "]",
                    depth + 1);
        }
    }

    private void writeStruct(BtfType type, JsonNode json, ByteBuffer out, int offset, String place, int depth)
            throws MapWriteException {
        String what = "struct " + (type.name().isEmpty() ? "" : type.name() + " ");
        List<String> fields = type.members().stream().map(BtfType.Member::name).toList();
        if (!json.isObject()) {
            throw new MapWriteException("\"" + place + "\" must be an object with the fields of " + what + fields
                    + ", was " + echo(json));
        }
        Set<String> known = new HashSet<>(fields);
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new MapWriteException("\"" + place + "\": " + what + "has no field " + Echo.of(name) + "; its fields "
                        + "are " + fields);
            }
        }
        for (BtfType.Member member : type.members()) {
            String at = place + "." + member.name();
            if (member.name().isEmpty() || member.bitSize() > 0 || member.bitOffset() % 8 != 0) {
                throw new MapWriteException("\"" + place + "\": " + what + "has a bitfield or an unnamed member, which the "
                        + "lab does not write");
            }
            JsonNode field = json.get(member.name());
            if (field == null || field.isNull()) {
                throw new MapWriteException("\"" + at + "\" is missing: send every field of " + what + fields);
            }
            write(member.typeId(), field, out, offset + member.bitOffset() / 8, at, depth + 1);
        }
    }

    private static void putLong(ByteBuffer out, int offset, int size, long value) {
        switch (size) {
            case 1 -> out.put(offset, (byte) value);
            case 2 -> out.putShort(offset, (short) value);
            case 4 -> out.putInt(offset, (int) value);
            default -> out.putLong(offset, value);
        }
    }

    private static String echo(JsonNode json) {
        return Echo.of(json.toString());
    }
}
