// A networking helper called from a tracepoint: the verifier refuses it at the call.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tp/syscalls/sys_enter_openat")
int reads_a_packet(void *ctx)
{
	char buf[4];

	bpf_printk("openat");
	bpf_skb_load_bytes(ctx, 0, buf, sizeof(buf));
	return buf[0];
}

char LICENSE[] SEC("license") = "GPL";
