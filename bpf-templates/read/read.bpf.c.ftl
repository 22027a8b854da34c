// SPDX-License-Identifier: GPL-2.0
/*
 * read: one event per read(fd, buf, count) call, with the file descriptor and
 * how many bytes the process asked for. read is the busiest syscall there is:
 * keep the command filter unless you want a flood.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

/* Filter: "" lets everything through. */
static const char target_comm[16] = ${comm};
#define TARGET_COMM_LEN ${comm_len}

struct event {
	__u32 pid;
	__u32 uid;
	char comm[16];
	__s32 fd;
	__u64 count;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* A global that points to struct event keeps the type in the object's BTF:
 * that is where bpflab reads the field names of each record. */
struct event *unused_event __attribute__((unused));

static __always_inline bool comm_matches(const char *comm)
{
	for (int i = 0; i < TARGET_COMM_LEN; i++)
		if (comm[i] != target_comm[i])
			return false;
	return TARGET_COMM_LEN == 0 || comm[TARGET_COMM_LEN] == '\0';
}

SEC("tracepoint/syscalls/sys_enter_read")
int trace_read(struct trace_event_raw_sys_enter *ctx)
{
	char comm[16];
	struct event *e;

	bpf_get_current_comm(&comm, sizeof(comm));
	if (!comm_matches(comm))
		return 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;	/* ring buffer full: this event is lost */
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	__builtin_memcpy(e->comm, comm, sizeof(comm));
	e->fd = (__s32)ctx->args[0];
	e->count = ctx->args[2];
	bpf_ringbuf_submit(e, 0);
	return 0;
}
