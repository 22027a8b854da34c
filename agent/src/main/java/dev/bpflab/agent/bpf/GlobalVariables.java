package dev.bpflab.agent.bpf;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The global variables of one data section (.rodata, .data, .bss), read and written in libbpf's copy of the
 * section before load — the same memory a skeleton's {@code skel->rodata} points at.
 */
final class GlobalVariables {
    private final BpfMap map;
    private final Btf btf;
    private final BtfType section;

    private GlobalVariables(BpfMap map, Btf btf, BtfType section) {
        this.map = map;
        this.btf = btf;
        this.section = section;
    }

    static Optional<GlobalVariables> of(BpfMap map, Btf btf) {
        int valueType = map.valueTypeId();
        if (valueType <= 0) {
            return Optional.empty();
        }
        BtfType type = btf.type(valueType);
        return type.kind() == BtfType.DATASEC ? Optional.of(new GlobalVariables(map, btf, type)) : Optional.empty();
    }

    Map<String, JsonNode> values() {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        byte[] data = initialValue();
        if (data == null) {
            return values;
        }
        BtfDecoder decoder = new BtfDecoder(btf);
        for (BtfType.SectionVar var : section.sectionVars()) {
            BtfType varType = btf.type(var.varTypeId());
            if (varType.kind() != BtfType.VAR || var.offset() + var.size() > data.length
                    || varType.name().startsWith("__bpflab")) {
                continue;
            }
            byte[] slice = new byte[var.size()];
            System.arraycopy(data, var.offset(), slice, 0, var.size());
            values.put(varType.name(), decoder.decode(varType.referencedType(), slice));
        }
        return values;
    }

    /** Writes the variables of {@code remaining} that live in this section and removes them from it. */
    void assign(Map<String, JsonNode> remaining) throws BpfException {
        long[] size = new long[1];
        Pointer data = LibBpf.INSTANCE.bpf_map__initial_value(map.pointer(), size);
        if (data == null) {
            return;
        }
        for (BtfType.SectionVar var : section.sectionVars()) {
            BtfType varType = btf.type(var.varTypeId());
            if (varType.kind() != BtfType.VAR || !remaining.containsKey(varType.name())) {
                continue;
            }
            if (var.offset() + var.size() > size[0]) {
                throw new BpfException("global variable " + varType.name() + " lies outside its section");
            }
            byte[] bytes = encode(varType.name(), varType.referencedType(), var.size(), remaining.get(varType.name()));
            data.write(var.offset(), bytes, 0, bytes.length);
            remaining.remove(varType.name());
        }
    }

    private byte[] initialValue() {
        long[] size = new long[1];
        Pointer data = LibBpf.INSTANCE.bpf_map__initial_value(map.pointer(), size);
        return data == null ? null : data.getByteArray(0, (int) size[0]);
    }

    private byte[] encode(String name, int typeId, int size, JsonNode value) throws BpfException {
        BtfType type = btf.resolve(typeId);
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
        if (type.kind() == BtfType.INT && type.intEncoding().isBool()) {
            if (!value.isBoolean()) {
                throw new BpfException("global " + name + " is a bool: give true or false, not " + value);
            }
            out.put((byte) (value.asBoolean() ? 1 : 0));
        } else if (type.kind() == BtfType.INT || type.kind() == BtfType.ENUM) {
            if (!value.isIntegralNumber()) {
                throw new BpfException("global " + name + " is an integer: give a whole number, not " + value);
            }
            long v = value.asLong();
            boolean signed = type.kind() == BtfType.INT && type.intEncoding().signed();
            if (size < 8) {
                long min = signed ? -(1L << (size * 8 - 1)) : 0;
                long max = signed ? (1L << (size * 8 - 1)) - 1 : (1L << (size * 8)) - 1;
                if (v < min || v > max) {
                    throw new BpfException("global " + name + " holds " + size * 8 + "-bit values from " + min + " to "
                            + max + "; " + v + " does not fit");
                }
            }
            switch (size) {
                case 1 -> out.put((byte) v);
                case 2 -> out.putShort((short) v);
                case 4 -> out.putInt((int) v);
                default -> out.putLong(v);
            }
        } else if (type.kind() == BtfType.ARRAY && btf.resolve(type.array().elementType()).size() == 1) {
            if (!value.isTextual()) {
                throw new BpfException("global " + name + " is a char array: give a string, not " + value);
            }
            byte[] text = value.asText().getBytes(StandardCharsets.UTF_8);
            if (text.length >= size) {
                throw new BpfException("global " + name + " holds at most " + (size - 1) + " bytes; \"" + value.asText()
                        + "\" is " + text.length);
            }
            out.put(text);
        } else {
            throw new BpfException("global " + name + " has a type bpflab cannot set (only integers, bools, enums and "
                    + "char arrays can be set)");
        }
        return out.array();
    }
}
