// SPDX-License-Identifier: GPL-2.0
/*
 * execsnoop: every program started on the machine, with its arguments.
 * At the entry of execve the arguments are still in the calling process's
 * memory: we copy them one by one into the event, joined by spaces.
 * comm is the name of the process that calls execve (the parent's name, since
 * the new program has not replaced it yet).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

#define MAX_ARGS ${max_args}	/* arguments copied, argv[0] included */
#define ARG_LEN 64		/* longest single argument copied, NUL included */
#define ARGS_SIZE 512

struct event {
	__u32 pid;
	__u32 ppid;
	__u32 uid;
	__u32 argc;		/* arguments copied */
	char comm[16];
	char filename[128];
	char args[ARGS_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* A global that points to struct event keeps the type in the object's BTF:
 * that is where bpflab reads the field names of each record. */
struct event *unused_event __attribute__((unused));

SEC("tracepoint/syscalls/sys_enter_execve")
int trace_execve(struct trace_event_raw_sys_enter *ctx)
{
	const char *const *argv = (const char *const *)ctx->args[1];
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct event *e;
	__u32 len = 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;	/* ring buffer full: this event is lost */
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->argc = 0;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	bpf_probe_read_user_str(e->filename, sizeof(e->filename), (const char *)ctx->args[0]);

	for (int i = 0; i < MAX_ARGS; i++) {
		const char *arg = NULL;
		long n;

		bpf_probe_read_user(&arg, sizeof(arg), &argv[i]);
		if (!arg || len > ARGS_SIZE - ARG_LEN)
			break;
		n = bpf_probe_read_user_str(&e->args[len], ARG_LEN, arg);
		if (n <= 0 || n > ARG_LEN)
			break;
		len += n;
		e->args[len - 1] = ' ';	/* the NUL that ended this argument */
		e->argc++;
	}
	/* end the string: replaces the last space, or empties args if none was copied */
	e->args[len > 0 ? (len - 1) & (ARGS_SIZE - 1) : 0] = '\0';
	bpf_ringbuf_submit(e, 0);
	return 0;
}
