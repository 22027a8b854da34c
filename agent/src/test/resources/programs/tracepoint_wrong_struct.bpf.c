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
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	unsigned long flags = ctx->args[2];
	unsigned long extra = ctx->args[5];

	bpf_printk("unlinkat by %u flags %lu %lu", pid, flags, extra);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
