// The classic first rejection: a map value used without checking the lookup's result.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("tp/syscalls/sys_enter_openat")
int count_opens(void *ctx)
{
	__u32 key = 1;
	__u64 *value = bpf_map_lookup_elem(&counts, &key);

	*value += 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
