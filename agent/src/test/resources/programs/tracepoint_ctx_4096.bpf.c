// Reads 4096 bytes into a tracepoint's context: the verifier lets it load, the kernel refuses to attach it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tp/syscalls/sys_enter_openat")
int reads_far(void *ctx)
{
	int nr = *(int *)((char *)ctx + 8);
	long far = *(volatile long *)((char *)ctx + 4096);

	bpf_printk("openat %d %ld", nr, far);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
