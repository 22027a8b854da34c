// Prints every element of the array map "slots": the iterator is given the object's one map it can walk.
#include "iter_types.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} slots SEC(".maps");

SEC("iter/bpf_map_elem")
int dump_slots(struct bpf_iter__bpf_map_elem *ctx)
{
	__u32 *key = ctx->key;
	__u64 *value = ctx->value;

	if (!key || !value)
		return 0;
	BPF_SEQ_PRINTF(ctx->meta->seq, "slot %u = %llu\n", *key, *value);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
