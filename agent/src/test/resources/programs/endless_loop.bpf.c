// Waits for a condition that never changes inside the program: the verifier cannot see the loop end.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tp/syscalls/sys_enter_openat")
int spin(void *ctx)
{
	volatile int ready = 0;

	while (!ready)
		;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
