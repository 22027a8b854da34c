package dev.bpflab.agent.bpf;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.jna.Memory;
import dev.bpflab.protocol.Echo;
import dev.bpflab.protocol.MapTypes;
import java.util.List;

/**
 * Writes one entry of a hash or array map of a loaded object, typed with the map's BTF ({@link BtfEncoder}), while its
 * programs stay attached: {@code bpf_map_update_elem} and {@code bpf_map_delete_elem} on the map's fd. Plain and LRU
 * hashes, arrays, and their per-CPU kinds (a per-CPU value is written to every CPU). Every refusal is a
 * {@link MapWriteException} that says what to fix. The native buffers live only inside each call.
 */
public final class MapWriter {
    private static final int BPF_ANY = 0; // create the entry or replace it

    private final BpfMap map;
    private final Btf btf;

    private MapWriter(BpfMap map) {
        this.map = map;
        this.btf = map.btf();
    }

    /**
     * The writer of the map named {@code name} among {@code maps}.
     *
     * @throws MapWriteException there is no such map, or it is not a hash or an array (a ring buffer, a perf buffer,
     *                           a program array, …), or it has no BTF to type an entry with
     */
    public static MapWriter of(List<BpfMap> maps, String name) throws MapWriteException {
        BpfMap found = maps.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow(() ->
                new MapWriteException("your program has no map named " + Echo.of(name) + "; its hash and array maps are "
                        + maps.stream().filter(BpfMap::isSnapshotable).map(BpfMap::name).toList()));
        if (found.isRingBuffer() || found.isPerfBuffer()) {
            throw new MapWriteException("'" + name + "' is a " + (found.isRingBuffer() ? "ring" : "perf") + " buffer: your "
                    + "program sends records through it and the lab reads them as events; only hash and array maps can "
                    + "be written");
        }
        if (!found.isSnapshotable()) {
            throw new MapWriteException("'" + name + "' is a map of type " + found.type() + " (see enum bpf_map_type); "
                    + "only hash and array maps (plain, LRU or per-CPU) can be written");
        }
        if (found.btf() == null || found.keyTypeId() <= 0 || found.valueTypeId() <= 0) {
            throw new MapWriteException("'" + name + "' has no BTF types for its key and value, so the lab cannot type an "
                    + "entry: declare it with __type(key, …) and __type(value, …)");
        }
        return new MapWriter(found);
    }

    /** The map's kind and the shapes of its key and value, for a page's form; null without BTF. */
    public static MapTypes types(BpfMap map) {
        if (map.btf() == null || map.keyTypeId() <= 0 || map.valueTypeId() <= 0) {
            return null;
        }
        BtfShapes shapes = new BtfShapes(map.btf());
        return new MapTypes(kind(map.type()), shapes.describe(map.keyTypeId()), shapes.describe(map.valueTypeId()));
    }

    /** Creates or replaces the entry {@code key}; returns what was written ("blocked_ports[7778] = ACTION_DROP"). */
    public String update(JsonNode key, JsonNode value) throws MapWriteException {
        byte[] keyBytes = key(key);
        byte[] valueBytes = new BtfEncoder(btf).encode(map.valueTypeId(), value, map.valueSize(), "value");
        int cpus = map.isPerCpu() ? LibBpf.INSTANCE.libbpf_num_possible_cpus() : 1;
        // A per-CPU map takes one slot per possible CPU, each rounded up to 8 bytes: the same value for every CPU.
        int slot = map.isPerCpu() ? (map.valueSize() + 7) & ~7 : map.valueSize();
        try (Memory k = new Memory(keyBytes.length); Memory v = new Memory((long) slot * cpus)) {
            k.write(0, keyBytes, 0, keyBytes.length);
            v.clear();
            for (int cpu = 0; cpu < cpus; cpu++) {
                v.write((long) cpu * slot, valueBytes, 0, valueBytes.length);
            }
            int err = LibBpf.INSTANCE.bpf_map_update_elem(map.fd(), k, v, BPF_ANY);
            if (err == -Errno.E2BIG) {
                throw new MapWriteException("'" + map.name() + "' is full (max_entries " + map.maxEntries() + "): delete "
                        + "an entry first");
            }
            if (err != 0) {
                throw new MapWriteException("the kernel refused to write '" + map.name() + "': " + Errno.describe(-err));
            }
        }
        return map.name() + "[" + clip(key) + "] = " + clip(value) + (cpus > 1 ? " on each of " + cpus + " CPUs" : "");
    }

    /** Deletes the entry {@code key} of a hash map; returns what was deleted. */
    public String delete(JsonNode key) throws MapWriteException {
        if (isArray(map.type())) {
            throw new MapWriteException("'" + map.name() + "' is an array: its entries always exist and cannot be "
                    + "deleted; write 0 (or an empty value) into the entry instead");
        }
        byte[] keyBytes = key(key);
        try (Memory k = new Memory(keyBytes.length)) {
            k.write(0, keyBytes, 0, keyBytes.length);
            int err = LibBpf.INSTANCE.bpf_map_delete_elem(map.fd(), k);
            if (err == -Errno.ENOENT) {
                throw new MapWriteException("'" + map.name() + "' has no entry with key " + clip(key));
            }
            if (err != 0) {
                throw new MapWriteException("the kernel refused to delete from '" + map.name() + "': "
                        + Errno.describe(-err));
            }
        }
        return "deleted " + map.name() + "[" + clip(key) + "]";
    }

    private byte[] key(JsonNode key) throws MapWriteException {
        byte[] bytes = new BtfEncoder(btf).encode(map.keyTypeId(), key, map.keySize(), "key");
        if (isArray(map.type())) {
            // The kernel keys an array by a __u32 index; past max_entries it refuses with a bare EINVAL.
            long index = Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.nativeOrder())
                    .getInt(0));
            if (index >= map.maxEntries()) {
                throw new MapWriteException("\"key\": " + index + " is past the end of array '" + map.name() + "': its keys "
                        + "are 0 to " + (map.maxEntries() - 1) + " (max_entries " + map.maxEntries() + ")");
            }
        }
        return bytes;
    }

    private static boolean isArray(int type) {
        return type == LibBpf.BPF_MAP_TYPE_ARRAY || type == LibBpf.BPF_MAP_TYPE_PERCPU_ARRAY;
    }

    private static String kind(int type) {
        return switch (type) {
            case LibBpf.BPF_MAP_TYPE_ARRAY -> "array";
            case LibBpf.BPF_MAP_TYPE_LRU_HASH -> "lru_hash";
            case LibBpf.BPF_MAP_TYPE_PERCPU_HASH -> "percpu_hash";
            case LibBpf.BPF_MAP_TYPE_PERCPU_ARRAY -> "percpu_array";
            case LibBpf.BPF_MAP_TYPE_LRU_PERCPU_HASH -> "lru_percpu_hash";
            default -> "hash";
        };
    }

    private static String clip(JsonNode json) {
        String text = json.isTextual() ? json.asText() : json.toString();
        return text.length() > 80 ? text.substring(0, 79) + "…" : text;
    }

}
