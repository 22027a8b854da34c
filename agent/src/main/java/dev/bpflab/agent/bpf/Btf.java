package dev.bpflab.agent.bpf;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an object's BTF through libbpf into {@link BtfType} records. The native {@code struct btf}
 * belongs to the bpf_object; this class must not outlive it and never frees it.
 */
final class Btf {
    // struct btf_type { __u32 name_off; __u32 info; union { __u32 size; __u32 type; }; } = 12 bytes,
    // followed by kind-specific data.
    private static final int TYPE_HEADER = 12;

    private final Pointer btf;
    private final Map<Integer, BtfType> cache = new HashMap<>();

    Btf(Pointer btf) {
        this.btf = btf;
    }

    Optional<Integer> findStruct(String name) {
        int id = LibBpf.INSTANCE.btf__find_by_name_kind(btf, name, BtfType.STRUCT);
        return id > 0 ? Optional.of(id) : Optional.empty();
    }

    Optional<Integer> findDatasec(String name) {
        int id = LibBpf.INSTANCE.btf__find_by_name_kind(btf, name, BtfType.DATASEC);
        return id > 0 ? Optional.of(id) : Optional.empty();
    }

    /** Follows typedefs and qualifiers (const, volatile, ...) to the type that has a shape. */
    BtfType resolve(int id) {
        BtfType t = type(id);
        while (t.isModifier()) {
            t = type(t.referencedType());
        }
        return t;
    }

    BtfType type(int id) {
        return cache.computeIfAbsent(id, this::read);
    }

    private BtfType read(int id) {
        if (id == 0) {
            return new BtfType(0, 0, "void", 0, 0, false, null, List.of(), null, List.of(), List.of());
        }
        Pointer t = LibBpf.INSTANCE.btf__type_by_id(btf, id);
        if (t == null) {
            throw new IllegalArgumentException("no BTF type " + id);
        }
        int nameOff = t.getInt(0);
        int info = t.getInt(4);
        int sizeOrType = t.getInt(8);
        // info: bits 0-15 vlen, bits 24-28 kind, bit 31 kind_flag
        int vlen = info & 0xffff;
        int kind = (info >>> 24) & 0x1f;
        boolean kindFlag = (info >>> 31) != 0;
        String name = nameOff == 0 ? "" : LibBpf.INSTANCE.btf__name_by_offset(btf, nameOff);
        BtfType.IntEncoding intEncoding = null;
        List<BtfType.Member> members = List.of();
        BtfType.ArrayInfo array = null;
        List<BtfType.EnumValue> enumValues = List.of();
        List<BtfType.SectionVar> sectionVars = List.of();
        switch (kind) {
            case BtfType.INT -> {
                // __u32 after the header: bits 24-27 encoding (1 signed, 2 char, 4 bool), 16-23 offset, 0-7 bits
                int enc = t.getInt(TYPE_HEADER);
                int encoding = (enc >>> 24) & 0x0f;
                intEncoding = new BtfType.IntEncoding((encoding & 1) != 0, (encoding & 2) != 0, (encoding & 4) != 0,
                        (enc >>> 16) & 0xff, enc & 0xff);
            }
            case BtfType.ARRAY ->
                // struct btf_array { __u32 type; __u32 index_type; __u32 nelems; }
                array = new BtfType.ArrayInfo(t.getInt(TYPE_HEADER), t.getInt(TYPE_HEADER + 8));
            case BtfType.STRUCT, BtfType.UNION -> {
                // struct btf_member { __u32 name_off; __u32 type; __u32 offset; } — with kind_flag set,
                // offset holds the bitfield size in bits 24-31 and the bit offset in bits 0-23.
                members = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++) {
                    long base = TYPE_HEADER + 12L * i;
                    int memberNameOff = t.getInt(base);
                    int offset = t.getInt(base + 8);
                    int bitOffset = kindFlag ? offset & 0xffffff : offset;
                    int bitSize = kindFlag ? offset >>> 24 : 0;
                    String memberName = memberNameOff == 0 ? "" : LibBpf.INSTANCE.btf__name_by_offset(btf, memberNameOff);
                    members.add(new BtfType.Member(memberName, t.getInt(base + 4), bitOffset, bitSize));
                }
            }
            case BtfType.ENUM -> {
                // struct btf_enum { __u32 name_off; __s32 val; }
                enumValues = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++) {
                    long base = TYPE_HEADER + 8L * i;
                    enumValues.add(new BtfType.EnumValue(LibBpf.INSTANCE.btf__name_by_offset(btf, t.getInt(base)),
                            kindFlag ? Integer.toUnsignedLong(t.getInt(base + 4)) : t.getInt(base + 4)));
                }
            }
            case BtfType.ENUM64 -> {
                // struct btf_enum64 { __u32 name_off; __u32 val_lo32; __u32 val_hi32; }
                enumValues = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++) {
                    long base = TYPE_HEADER + 12L * i;
                    long value = Integer.toUnsignedLong(t.getInt(base + 4)) | ((long) t.getInt(base + 8) << 32);
                    enumValues.add(new BtfType.EnumValue(LibBpf.INSTANCE.btf__name_by_offset(btf, t.getInt(base)), value));
                }
            }
            case BtfType.DATASEC -> {
                // struct btf_var_secinfo { __u32 type; __u32 offset; __u32 size; }
                sectionVars = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++) {
                    long base = TYPE_HEADER + 12L * i;
                    sectionVars.add(new BtfType.SectionVar(t.getInt(base), t.getInt(base + 4), t.getInt(base + 8)));
                }
            }
            default -> {
            }
        }
        return new BtfType(id, kind, name, sizeOrType, vlen, kindFlag, intEncoding, members, array, enumValues,
                sectionVars);
    }

    /** Size in bytes of a type, following modifiers; arrays multiply. */
    long sizeOf(int id) {
        return LibBpf.INSTANCE.btf__resolve_size(btf, id);
    }
}
