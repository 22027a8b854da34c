#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp/syscalls/sys_enter_unlinkat")
int big(void *ctx)
{
	char buf[1024];
	bpf_probe_read_kernel(buf, sizeof(buf), ctx);
	bpf_printk("%s", buf);
	return 0;
}
