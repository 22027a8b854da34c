// A bounded loop the verifier walks iteration by iteration before it meets the unchecked pointer.
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
int handle(void *ctx)
{
	u32 key = 1;
	u64 sum = 0;

#pragma clang loop unroll(disable)
	for (int i = 0; i < 3000; i++)
		sum += i ^ (sum >> 3);
	u64 *value = bpf_map_lookup_elem(&counts, &key);

	*value += sum;
	return 0;
}
