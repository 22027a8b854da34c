// iter_map_elem.bpf.c with a second map the iterator could walk: which one it should walk is not said.
#include "iter_map_elem.bpf.c"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");
