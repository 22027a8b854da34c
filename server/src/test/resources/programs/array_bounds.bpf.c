// An index the verifier cannot bound to the value's size: a scalar range shows why.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct slots {
	u64 v[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct slots);
} table SEC(".maps");

SEC("tp/syscalls/sys_enter_unlinkat")
int handle(void *ctx)
{
	u32 key = 0;
	char name[16] = {};
	struct slots *s = bpf_map_lookup_elem(&table, &key);

	if (!s)
		return 0;
	bpf_get_current_comm(name, sizeof(name));
	u32 i = bpf_get_prandom_u32() & 7;
	s->v[i] = name[0];
	return 0;
}
