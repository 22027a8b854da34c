// SPDX-License-Identifier: GPL-2.0
/*
 * uprobe-greet: code attached to a function of a user-space program.
 * A uprobe runs each time a process calls the function named in SEC(): here
 * greet(const char *name, int round) of the demo program
 * /usr/local/bin/bpflab-demo (the run-demo workload runs it for 3 rounds).
 * BPF_KPROBE gives the arguments names; they come from the caller's registers.
 * The string lives in the process's memory, not the kernel's: it is copied
 * with bpf_probe_read_user_str.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

/* Filter: calls with a smaller round are left out. */
#define MIN_ROUND ${min_round}

struct event {
	__u32 pid;
	char comm[16];
	char name[64];
	__s32 round;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* A global that points to struct event keeps the type in the object's BTF:
 * that is where bpflab reads the field names of each record. */
struct event *unused_event __attribute__((unused));

/* uprobe/<program file>:<function>; the file's path starts with its own '/'. */
SEC("uprobe//usr/local/bin/bpflab-demo:greet")
int BPF_KPROBE(greet_entry, const char *name, int round)
{
	struct event *e;

	if (round < MIN_ROUND)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	bpf_probe_read_user_str(e->name, sizeof(e->name), name);
	e->round = round;
	bpf_ringbuf_submit(e, 0);
	return 0;
}
