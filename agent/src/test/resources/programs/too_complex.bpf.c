// A loop of many rounds with a branch the verifier cannot predict in each: it must follow every path.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tp/syscalls/sys_enter_openat")
int coin_flips(void *ctx)
{
	int heads = 0;

	for (int i = 0; i < 100000; i++) {
		if (bpf_get_prandom_u32() & 1)
			heads += bpf_get_smp_processor_id();
	}
	bpf_printk("%d heads", heads);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
