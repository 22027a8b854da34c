// A uprobe that names its function but not the program file it lives in.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("uprobe/greet")
int on_greet(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
