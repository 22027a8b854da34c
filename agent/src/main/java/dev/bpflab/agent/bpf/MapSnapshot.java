package dev.bpflab.agent.bpf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.jna.Memory;
import java.util.Arrays;

/** Reads the current entries of a hash or array map, decoding keys and values with BTF (hex without it). */
public final class MapSnapshot {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private final BpfMap map;
    private final BtfDecoder decoder;
    private final int cpus;

    public MapSnapshot(BpfMap map) {
        this.map = map;
        this.decoder = map.btf() == null ? null : new BtfDecoder(map.btf());
        this.cpus = map.isPerCpu() ? LibBpf.INSTANCE.libbpf_num_possible_cpus() : 1;
    }

    public String name() {
        return map.name();
    }

    /**
     * At most {@code limit} entries. Per-CPU values are summed when they are numbers (what a histogram wants),
     * otherwise listed per CPU.
     */
    public ArrayNode read(int limit) {
        ArrayNode entries = JSON.arrayNode();
        int keySize = map.keySize();
        // The kernel copies per-CPU values into one slot per possible CPU, each rounded up to 8 bytes.
        int slot = map.isPerCpu() ? (map.valueSize() + 7) & ~7 : map.valueSize();
        try (Memory key = new Memory(Math.max(1, keySize)); Memory next = new Memory(Math.max(1, keySize));
                Memory value = new Memory((long) slot * cpus)) {
            boolean first = true;
            while (entries.size() < limit) {
                int err = LibBpf.INSTANCE.bpf_map_get_next_key(map.fd(), first ? null : key, next);
                if (err != 0) {
                    break;
                }
                first = false;
                key.write(0, next.getByteArray(0, keySize), 0, keySize);
                if (LibBpf.INSTANCE.bpf_map_lookup_elem(map.fd(), key, value) != 0) {
                    continue; // deleted between the two calls
                }
                ObjectNode entry = JSON.objectNode();
                entry.set("key", decode(map.keyTypeId(), key.getByteArray(0, keySize)));
                entry.set("value", map.isPerCpu() ? perCpu(value, slot) : decode(map.valueTypeId(),
                        value.getByteArray(0, map.valueSize())));
                entries.add(entry);
            }
        }
        return entries;
    }

    private JsonNode perCpu(Memory value, int slot) {
        ArrayNode values = JSON.arrayNode();
        boolean allNumbers = true;
        long sum = 0;
        for (int cpu = 0; cpu < cpus; cpu++) {
            JsonNode v = decode(map.valueTypeId(), Arrays.copyOfRange(value.getByteArray(0, slot * cpus), cpu * slot,
                    cpu * slot + map.valueSize()));
            values.add(v);
            allNumbers &= v.isNumber();
            sum += v.asLong();
        }
        return allNumbers ? JSON.numberNode(sum) : values;
    }

    private JsonNode decode(int typeId, byte[] bytes) {
        return decoder != null && typeId > 0 ? decoder.decode(typeId, bytes) : BtfDecoder.hex(bytes);
    }
}
