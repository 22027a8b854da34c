// SPDX-License-Identifier: GPL-2.0
/*
 * fchownat: one event per change of owner. chown calls
 * fchownat(dfd, filename, user, group, flags); -1 (4294967295) leaves that id as it is.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

/* Filters: "" lets everything through. */
static const char target_comm[16] = ${comm};
#define TARGET_COMM_LEN ${comm_len}
static const char path_prefix[] = ${path_prefix};
#define PATH_PREFIX_LEN ${path_prefix_len}

struct event {
	__u32 pid;
	__u32 uid;
	char comm[16];
	__u32 new_uid;
	__u32 new_gid;
	char filename[256];
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

static __always_inline bool path_matches(const char *path)
{
	for (int i = 0; i < PATH_PREFIX_LEN; i++)
		if (path[i] != path_prefix[i])
			return false;
	return true;
}

SEC("tracepoint/syscalls/sys_enter_fchownat")
int trace_fchownat(struct trace_event_raw_sys_enter *ctx)
{
	char comm[16];
	struct event *e;

	bpf_get_current_comm(&comm, sizeof(comm));
	if (!comm_matches(comm))
		return 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;	/* ring buffer full: this event is lost */
	bpf_probe_read_user_str(e->filename, sizeof(e->filename), (const char *)ctx->args[1]);
	if (!path_matches(e->filename)) {
		bpf_ringbuf_discard(e, 0);
		return 0;
	}
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	__builtin_memcpy(e->comm, comm, sizeof(comm));
	e->new_uid = (__u32)ctx->args[2];
	e->new_gid = (__u32)ctx->args[3];
	bpf_ringbuf_submit(e, 0);
	return 0;
}
