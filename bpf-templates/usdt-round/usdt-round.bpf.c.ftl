// SPDX-License-Identifier: GPL-2.0
/*
 * usdt-round: a probe point the program's authors put in its code.
 * A USDT probe (a "static tracepoint" in user space, sys/sdt.h) is named by a
 * provider and a name and carries arguments the authors chose. The demo
 * program /usr/local/bin/bpflab-demo fires bpflab:round once per round with
 * three: the round, the name it greets and the round's square. libbpf finds
 * the probe in the file's ELF notes; BPF_USDT (usdt.bpf.h) reads each argument
 * wherever the compiler left it (a register, the stack, a constant).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

char LICENSE[] SEC("license") = "GPL";

/* Filter: rounds before this one are left out. */
#define MIN_ROUND ${min_round}

struct event {
	__u32 pid;
	char comm[16];
	__s32 round;
	char name[64];
	__s64 square;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* A global that points to struct event keeps the type in the object's BTF:
 * that is where bpflab reads the field names of each record. */
struct event *unused_event __attribute__((unused));

/* usdt/<program file>:<provider>:<name> */
SEC("usdt//usr/local/bin/bpflab-demo:bpflab:round")
int BPF_USDT(round_probe, int round, const char *name, long square)
{
	struct event *e;

	if (round < MIN_ROUND)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	e->round = round;
	bpf_probe_read_user_str(e->name, sizeof(e->name), name);
	e->square = square;
	bpf_ringbuf_submit(e, 0);
	return 0;
}
