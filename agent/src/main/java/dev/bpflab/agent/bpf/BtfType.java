package dev.bpflab.agent.bpf;

import java.util.List;

/**
 * One BTF type, copied out of libbpf's memory into plain Java so decoding never touches native pointers.
 * Only what decoding needs is kept; see the kernel's Documentation/bpf/btf.rst for the encoding.
 */
record BtfType(int id, int kind, String name, int sizeOrType, int vlen, boolean kindFlag,
               IntEncoding intEncoding, List<Member> members, ArrayInfo array, List<EnumValue> enumValues,
               List<SectionVar> sectionVars) {

    static final int INT = 1, PTR = 2, ARRAY = 3, STRUCT = 4, UNION = 5, ENUM = 6, FWD = 7, TYPEDEF = 8,
            VOLATILE = 9, CONST = 10, RESTRICT = 11, FUNC = 12, FUNC_PROTO = 13, VAR = 14, DATASEC = 15,
            FLOAT = 16, DECL_TAG = 17, TYPE_TAG = 18, ENUM64 = 19;

    record IntEncoding(boolean signed, boolean isChar, boolean isBool, int bitOffset, int bits) {
    }

    /** bitOffset from the start of the struct; bitSize 0 unless the member is a bitfield. */
    record Member(String name, int typeId, int bitOffset, int bitSize) {
    }

    record ArrayInfo(int elementType, int count) {
    }

    record EnumValue(String name, long value) {
    }

    /** A global variable inside a DATASEC (.rodata, .bss, .data): its VAR type id and place in the section. */
    record SectionVar(int varTypeId, int offset, int size) {
    }

    /** For PTR, TYPEDEF, CONST, VOLATILE, RESTRICT, TYPE_TAG, VAR and FUNC: the referenced type. */
    int referencedType() {
        return sizeOrType;
    }

    /** For INT, STRUCT, UNION, ENUM, DATASEC, FLOAT: the size in bytes. */
    int size() {
        return sizeOrType;
    }

    boolean isModifier() {
        return kind == TYPEDEF || kind == CONST || kind == VOLATILE || kind == RESTRICT || kind == TYPE_TAG;
    }
}
