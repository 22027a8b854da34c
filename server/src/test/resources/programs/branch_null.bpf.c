// Checked on one path, not on the other: the verifier walks both and stops on the unchecked one.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, u32);
	__type(value, u64);
} counts SEC(".maps");

SEC("tp/syscalls/sys_enter_unlinkat")
int handle(struct trace_event_raw_sys_enter *ctx)
{
	u32 key = bpf_get_current_pid_tgid() & 3;
	u64 *value = bpf_map_lookup_elem(&counts, &key);
	long flags = ctx->args[2];

	if (flags & 1) {
		if (value)
			*value += 1;
		return 0;
	}
	*value += 2;
	return 0;
}
