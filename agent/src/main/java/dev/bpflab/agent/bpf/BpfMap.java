package dev.bpflab.agent.bpf;

import com.sun.jna.Pointer;

/** A map inside a {@link BpfObject}; valid only while its object is open. */
public final class BpfMap {
    private final Pointer map;
    private final Btf btf;

    BpfMap(Pointer map, Btf btf) {
        this.map = map;
        this.btf = btf;
    }

    public String name() {
        return LibBpf.INSTANCE.bpf_map__name(map);
    }

    public int type() {
        return LibBpf.INSTANCE.bpf_map__type(map);
    }

    public int fd() {
        return LibBpf.INSTANCE.bpf_map__fd(map);
    }

    public int keySize() {
        return LibBpf.INSTANCE.bpf_map__key_size(map);
    }

    public int valueSize() {
        return LibBpf.INSTANCE.bpf_map__value_size(map);
    }

    public int maxEntries() {
        return LibBpf.INSTANCE.bpf_map__max_entries(map);
    }

    int keyTypeId() {
        return LibBpf.INSTANCE.bpf_map__btf_key_type_id(map);
    }

    int valueTypeId() {
        return LibBpf.INSTANCE.bpf_map__btf_value_type_id(map);
    }

    /** libbpf's maps for global variables: "<obj>.rodata", "<obj>.data", "<obj>.bss", "<obj>.kconfig". */
    public boolean isInternal() {
        return name().contains(".");
    }

    /** usdt.bpf.h's own maps (__bpf_usdt_specs, __bpf_usdt_ip_to_spec_id): libbpf's bookkeeping, not the learner's. */
    boolean isUsdtBookkeeping() {
        return name().startsWith("__bpf_usdt_");
    }

    public boolean isRingBuffer() {
        return type() == LibBpf.BPF_MAP_TYPE_RINGBUF;
    }

    public boolean isPerfBuffer() {
        return type() == LibBpf.BPF_MAP_TYPE_PERF_EVENT_ARRAY;
    }

    public boolean isPerCpu() {
        int t = type();
        return t == LibBpf.BPF_MAP_TYPE_PERCPU_HASH || t == LibBpf.BPF_MAP_TYPE_PERCPU_ARRAY
                || t == LibBpf.BPF_MAP_TYPE_LRU_PERCPU_HASH;
    }

    /** Maps whose entries a learner wants to watch: hashes and arrays, plain or per-CPU. */
    public boolean isSnapshotable() {
        int t = type();
        return !isInternal() && !isUsdtBookkeeping() && (t == LibBpf.BPF_MAP_TYPE_HASH || t == LibBpf.BPF_MAP_TYPE_ARRAY
                || t == LibBpf.BPF_MAP_TYPE_LRU_HASH || isPerCpu());
    }

    Pointer pointer() {
        return map;
    }

    Btf btf() {
        return btf;
    }
}
