// A statement without its ';' before bpf_printk: clang complains at the macro, a line further down.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

__u64 calls;

SEC("tp/syscalls/sys_enter_unlinkat")
int count_unlinks(void *ctx)
{
	calls++
	bpf_printk("unlinkat number %llu", calls);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
