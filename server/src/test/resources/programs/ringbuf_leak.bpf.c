// A reserved record that is neither submitted nor discarded on one path.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("tp/syscalls/sys_enter_unlinkat")
int handle(void *ctx)
{
	u32 *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;
	*e = bpf_get_current_pid_tgid() >> 32;
	if (*e == 1)
		return 0;
	bpf_ringbuf_submit(e, 0);
	return 0;
}
