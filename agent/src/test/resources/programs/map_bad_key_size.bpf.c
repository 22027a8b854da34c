// An array map keyed by a 64-bit number: array maps are indexed by a 32-bit key, so the kernel refuses to create it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u64);
	__type(value, __u64);
} slots SEC(".maps");

SEC("tp/syscalls/sys_enter_openat")
int count(void *ctx)
{
	__u64 key = 0;
	__u64 *n = bpf_map_lookup_elem(&slots, &key);

	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
