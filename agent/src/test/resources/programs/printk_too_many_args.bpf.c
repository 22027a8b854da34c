// bpf_trace_printk called by hand with four values: a BPF helper takes at most five arguments in all.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tp/syscalls/sys_enter_openat")
int say_four(void *ctx)
{
	char fmt[] = "%d %d %d %d\n";

	bpf_trace_printk(fmt, sizeof(fmt), 1, 2, 3, 4);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
