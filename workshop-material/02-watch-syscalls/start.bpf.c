// SPDX-License-Identifier: GPL-2.0
/*
 * Lesson 2: watch the syscalls happen.
 * One event per unlinkat (what rm calls to remove a file): who, and which file.
 * Your job: a second program, on fchmodat (what chmod calls), that reports
 * the new permissions too.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct event {
	__u32 pid;
	char comm[16];
	char syscall[8];	/* "unlink", "chmod", ... */
	/* TODO 1: add a field for the new permissions: __u32 mode;
	 *         (and set e->mode = 0 in trace_unlinkat: ring buffer memory
	 *         is not zeroed, every field you don't set holds leftovers) */
	char filename[256];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* A global that points to struct event keeps the type in the object's BTF:
 * that is where bpflab reads the field names of each record. */
struct event *unused_event __attribute__((unused));

/* unlinkat(int dfd, const char *pathname, int flags) */
SEC("tracepoint/syscalls/sys_enter_unlinkat")
int trace_unlinkat(struct trace_event_raw_sys_enter *ctx)
{
	struct event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;	/* ring buffer full: this event is lost */
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	__builtin_memcpy(e->syscall, "unlink", sizeof("unlink"));
	bpf_probe_read_user_str(e->filename, sizeof(e->filename), (const char *)ctx->args[1]);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/*
 * TODO 2: a second program for chmod.
 *   fchmodat(int dfd, const char *filename, umode_t mode)
 *   - SEC("tracepoint/syscalls/sys_enter_fchmodat")
 *   - same shape as trace_unlinkat: reserve, fill, submit
 *   - syscall = "chmod", filename from ctx->args[1], mode from ctx->args[2]
 */
