// SPDX-License-Identifier: GPL-2.0
/*
 * Lesson 9: containers, seen from the kernel.
 * One event per program started (execve) and per file removed (unlinkat),
 * from every process on this kernel: the host's and the pods' alike.
 * It says who and what, but not yet in which pod.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct event {
	__u32 pid;
	char comm[16];
	char syscall[8];	/* "exec" or "unlink" */
	char filename[256];
	/* TODO (step 2): which pod? Add
	 *   __u64 cgroup_id;    the task's cgroup (one per pod)
	 *   char hostname[65];  the name of the task's UTS namespace
	 */
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* A global that points to struct event keeps the type in the object's BTF:
 * that is where bpflab reads the field names of each record. */
struct event *unused_event __attribute__((unused));

static __always_inline int emit(const char *syscall, const char *filename)
{
	struct event *e;

	/* TODO (step 2): the current task, first thing here:
	 *   struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	 * TODO (step 3): then, before the reserve, return 0 for the host's own processes. */

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;	/* ring buffer full: this event is lost */
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	__builtin_memcpy(e->syscall, syscall, sizeof(e->syscall));
	bpf_probe_read_user_str(e->filename, sizeof(e->filename), filename);
	/* TODO (step 2): fill cgroup_id and hostname (from task). */
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int trace_execve(struct trace_event_raw_sys_enter *ctx)
{
	return emit("exec", (const char *)ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_enter_unlinkat")
int trace_unlinkat(struct trace_event_raw_sys_enter *ctx)
{
	return emit("unlink", (const char *)ctx->args[1]);
}
