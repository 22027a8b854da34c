package dev.bpflab.agent.bpf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bpflab.protocol.EnumNames;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns raw bytes from a map or ring buffer into JSON shaped by a BTF type: structs become objects, char arrays
 * strings, enums their enumerator's name (the number when no enumerator has it). Stateless: the ring buffer poller and
 * the map snapshots share one.
 */
final class BtfDecoder {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int MAX_ARRAY_ITEMS = 256;
    private static final int MAX_DEPTH = 8;

    private final Btf btf;

    BtfDecoder(Btf btf) {
        this.btf = btf;
    }

    JsonNode decode(int typeId, byte[] data) {
        return decode(typeId, data, new LinkedHashMap<>());
    }

    /**
     * Decodes {@code data} as type {@code typeId}, and puts each enumerator name the result holds, with its number,
     * into {@code enums} (up to {@link EnumNames#MAX_NAMES} names in all; past that, names still decode but are not
     * added).
     */
    JsonNode decode(int typeId, byte[] data, Map<String, Long> enums) {
        ByteBuffer buffer = ByteBuffer.wrap(data).order(ByteOrder.nativeOrder());
        return decode(typeId, buffer, 0, 0, enums);
    }

    /** Bytes without usable type information are shown as hex, so a learner still sees something. */
    static JsonNode hex(byte[] data) {
        return JSON.textNode(HexFormat.of().formatHex(data));
    }

    private JsonNode decode(int typeId, ByteBuffer data, int offset, int depth, Map<String, Long> enums) {
        BtfType type = btf.resolve(typeId);
        if (depth > MAX_DEPTH) {
            return JSON.textNode("…");
        }
        return switch (type.kind()) {
            case BtfType.INT -> decodeInt(type, data, offset);
            case BtfType.ENUM, BtfType.ENUM64 -> decodeEnum(type, data, offset, enums);
            case BtfType.PTR -> JSON.textNode("0x" + Long.toHexString(readUnsigned(data, offset, 8).longValue()));
            case BtfType.ARRAY -> decodeArray(type, data, offset, depth, enums);
            case BtfType.STRUCT, BtfType.UNION -> decodeStruct(type, data, offset, depth, enums);
            case BtfType.FLOAT -> type.size() == 4 ? JSON.numberNode(data.getFloat(offset)) : JSON.numberNode(data.getDouble(offset));
            default -> {
                long size = Math.max(0, Math.min(btf.sizeOf(typeId), data.limit() - offset));
                byte[] raw = new byte[(int) size];
                data.get(offset, raw);
                yield hex(raw);
            }
        };
    }

    private JsonNode decodeInt(BtfType type, ByteBuffer data, int offset) {
        BtfType.IntEncoding enc = type.intEncoding();
        if (enc.isBool()) {
            return JSON.booleanNode(data.get(offset) != 0);
        }
        int size = type.size();
        if (offset + size > data.limit()) {
            return JSON.nullNode();
        }
        if (enc.signed()) {
            long value = switch (size) {
                case 1 -> data.get(offset);
                case 2 -> data.getShort(offset);
                case 4 -> data.getInt(offset);
                default -> data.getLong(offset);
            };
            return JSON.numberNode(value);
        }
        BigInteger value = readUnsigned(data, offset, size);
        return value.bitLength() < 64 ? JSON.numberNode(value.longValue()) : JSON.numberNode(value);
    }

    private static BigInteger readUnsigned(ByteBuffer data, int offset, int size) {
        if (offset + size > data.limit()) {
            return BigInteger.ZERO;
        }
        return switch (size) {
            case 1 -> BigInteger.valueOf(Byte.toUnsignedInt(data.get(offset)));
            case 2 -> BigInteger.valueOf(Short.toUnsignedInt(data.getShort(offset)));
            case 4 -> BigInteger.valueOf(Integer.toUnsignedLong(data.getInt(offset)));
            default -> new BigInteger(Long.toUnsignedString(data.getLong(offset)));
        };
    }

    private JsonNode decodeEnum(BtfType type, ByteBuffer data, int offset, Map<String, Long> enums) {
        long value = switch (type.size()) {
            case 1 -> data.get(offset);
            case 2 -> data.getShort(offset);
            case 8 -> data.getLong(offset);
            default -> data.getInt(offset);
        };
        for (BtfType.EnumValue candidate : type.enumValues()) {
            if (candidate.value() == value) {
                if (enums.size() < EnumNames.MAX_NAMES || enums.containsKey(candidate.name())) {
                    enums.put(candidate.name(), value);
                }
                return JSON.textNode(candidate.name());
            }
        }
        return JSON.numberNode(value);
    }

    private JsonNode decodeArray(BtfType type, ByteBuffer data, int offset, int depth, Map<String, Long> enums) {
        BtfType element = btf.resolve(type.array().elementType());
        int count = type.array().count();
        if (element.kind() == BtfType.INT && element.size() == 1
                && (element.intEncoding().isChar() || "char".equals(element.name()))) {
            int end = offset;
            int limit = Math.min(offset + count, data.limit());
            while (end < limit && data.get(end) != 0) {
                end++;
            }
            byte[] text = new byte[end - offset];
            data.get(offset, text);
            return JSON.textNode(new String(text, StandardCharsets.UTF_8));
        }
        long elementSize = btf.sizeOf(type.array().elementType());
        ArrayNode items = JSON.arrayNode();
        for (int i = 0; i < Math.min(count, MAX_ARRAY_ITEMS); i++) {
            long at = offset + i * elementSize;
            if (at + elementSize > data.limit()) {
                break;
            }
            items.add(decode(type.array().elementType(), data, (int) at, depth + 1, enums));
        }
        return items;
    }

    private JsonNode decodeStruct(BtfType type, ByteBuffer data, int offset, int depth, Map<String, Long> enums) {
        ObjectNode fields = JSON.objectNode();
        for (BtfType.Member member : type.members()) {
            int byteOffset = offset + member.bitOffset() / 8;
            JsonNode value;
            if (member.bitSize() > 0) {
                value = decodeBitfield(member, data, offset);
            } else {
                value = decode(member.typeId(), data, byteOffset, depth + 1, enums);
            }
            if (member.name().isEmpty() && value instanceof ObjectNode nested) {
                fields.setAll(nested); // anonymous struct/union members read as if they were the parent's
            } else {
                fields.set(member.name(), value);
            }
        }
        return fields;
    }

    private static JsonNode decodeBitfield(BtfType.Member member, ByteBuffer data, int structOffset) {
        int firstByte = structOffset + member.bitOffset() / 8;
        long word = 0;
        for (int i = 0; i < 8 && firstByte + i < data.limit(); i++) {
            word |= (long) Byte.toUnsignedInt(data.get(firstByte + i)) << (8 * i);
        }
        long value = (word >>> (member.bitOffset() % 8)) & ((1L << member.bitSize()) - 1);
        return JSON.numberNode(value);
    }
}
