// The struct of an old tutorial's syscall tracepoint, read as if unlinkat had six arguments: it has three.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct syscall_enter {
	unsigned long long common;
	long nr;
	unsigned long args[6];
};

SEC("tracepoint/syscalls/sys_enter_unlinkat")
int on_unlink(struct syscall_enter *ctx)
{
	struct syscall_enter *args = ctx;
	unsigned long flags = args->args[2];
	unsigned long extra = args->args[5];

	bpf_printk("unlinkat flags %lu %lu", flags, extra);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
