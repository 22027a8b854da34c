// bpf_printk (bpf_trace_printk) is GPL-only, and this program is not GPL.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tp/syscalls/sys_enter_openat")
int say_hello(void *ctx)
{
	bpf_printk("hello");
	return 0;
}

char LICENSE[] SEC("license") = "MIT";
