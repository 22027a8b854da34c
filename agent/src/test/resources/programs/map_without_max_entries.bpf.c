// A stack trace map defined with key and value sizes only: the kernel needs max_entries to create it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_DEPTH 32

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, MAX_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

SEC("tp/syscalls/sys_enter_openat")
int take_stack(void *ctx)
{
	bpf_get_stackid(ctx, &stacks, BPF_F_USER_STACK);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
