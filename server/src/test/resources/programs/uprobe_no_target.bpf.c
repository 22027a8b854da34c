// libbpf-bootstrap's shape: a uprobe section that names no target, left to a loader that attaches by hand.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("uprobe")
int BPF_KPROBE(uprobe_add, int a, int b)
{
	bpf_printk("add(%d, %d)", a, b);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
