// SPDX-License-Identifier: GPL-2.0
/*
 * uretprobe-square: code that runs when a user-space function returns.
 * A uretprobe fires as the function named in SEC() returns, and sees its
 * return value (the arguments are gone by then): here square(long n) of the
 * demo program /usr/local/bin/bpflab-demo, which returns n * n. The run-demo
 * workload calls it with 1, 2 and 3.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

/* Filter: smaller results are left out. */
#define MIN_RESULT ${min_result}

struct event {
	__u32 pid;
	char comm[16];
	__s64 result;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* A global that points to struct event keeps the type in the object's BTF:
 * that is where bpflab reads the field names of each record. */
struct event *unused_event __attribute__((unused));

SEC("uretprobe//usr/local/bin/bpflab-demo:square")
int BPF_KRETPROBE(square_exit, long result)
{
	struct event *e;

	if (result < MIN_RESULT)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	e->result = result;
	bpf_ringbuf_submit(e, 0);
	return 0;
}
