package dev.bpflab.agent.bpf;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.jna.Memory;
import dev.bpflab.protocol.MapEntry;
import dev.bpflab.protocol.ServerMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the current entries of a hash or array map, decoding keys and values with BTF (hex without it). */
public final class MapSnapshot {
    private final BpfMap map;
    private final BtfDecoder decoder;
    private final int cpus;
    private final dev.bpflab.protocol.MapTypes types;

    public MapSnapshot(BpfMap map) {
        this.map = map;
        this.decoder = map.btf() == null ? null : new BtfDecoder(map.btf());
        this.cpus = map.isPerCpu() ? LibBpf.INSTANCE.libbpf_num_possible_cpus() : 1;
        this.types = MapWriter.types(map);
    }

    public String name() {
        return map.name();
    }

    /**
     * At most {@code limit} entries, and the number of each enumerator name their keys and values hold. A per-CPU
     * map's entries carry each CPU's value and, when those are numbers, their sum as the value (what a histogram
     * wants). The snapshot carries the map's types ({@link MapWriter#types}) for a page's entry form.
     */
    public ServerMessage.MapSnapshot read(int limit) {
        List<MapEntry> entries = new ArrayList<>();
        Map<String, Long> enums = new LinkedHashMap<>();
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
                JsonNode decodedKey = decode(map.keyTypeId(), key.getByteArray(0, keySize), enums);
                entries.add(map.isPerCpu() ? MapEntry.perCpu(decodedKey, perCpu(value, slot, enums))
                        : MapEntry.of(decodedKey, decode(map.valueTypeId(), value.getByteArray(0, map.valueSize()), enums)));
            }
        }
        return new ServerMessage.MapSnapshot(map.name(), entries, enums, types);
    }

    private List<JsonNode> perCpu(Memory value, int slot, Map<String, Long> enums) {
        byte[] all = value.getByteArray(0, slot * cpus);
        List<JsonNode> values = new ArrayList<>(cpus);
        for (int cpu = 0; cpu < cpus; cpu++) {
            values.add(decode(map.valueTypeId(), Arrays.copyOfRange(all, cpu * slot, cpu * slot + map.valueSize()), enums));
        }
        return values;
    }

    private JsonNode decode(int typeId, byte[] bytes, Map<String, Long> enums) {
        return decoder != null && typeId > 0 ? decoder.decode(typeId, bytes, enums) : BtfDecoder.hex(bytes);
    }
}
