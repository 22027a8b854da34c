// Counts fchmodat calls per command in a hash map, and lists the map's elements when its iterator is read.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct comm_key {
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct comm_key);
	__type(value, u64);
} counts SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_fchmodat")
int count_fchmodat(void *ctx)
{
	struct comm_key key = {};
	u64 one = 1, *count;

	bpf_get_current_comm(key.comm, sizeof(key.comm));
	count = bpf_map_lookup_elem(&counts, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);
	return 0;
}

SEC("iter/bpf_map_elem")
int list_counts(struct bpf_iter__bpf_map_elem *ctx)
{
	struct comm_key *key = ctx->key;
	u64 *count = ctx->value;

	if (!key || !count)
		return 0;
	BPF_SEQ_PRINTF(ctx->meta->seq, "%s %llu\n", key->comm, *count);
	return 0;
}
