// A uprobe as a skeleton-based loader would attach it by hand: the section names no binary or function.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("uprobe")
int on_call(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
