// Reads past the tracepoint's context by adding an offset by hand.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tp/syscalls/sys_enter_openat")
int reads_past_ctx(void *ctx)
{
	long flags = *(volatile long *)((char *)ctx + 65536);

	return flags == 0;
}

char LICENSE[] SEC("license") = "GPL";
