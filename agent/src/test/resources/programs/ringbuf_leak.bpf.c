// A record reserved in a ring buffer, then leaked by an early return that neither submits nor discards it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	int pid;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} events SEC(".maps");

SEC("tp/syscalls/sys_enter_openat")
int leak_on_early_return(void *ctx)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	if (bpf_get_current_comm(e->comm, sizeof(e->comm)) != 0)
		return 0;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
