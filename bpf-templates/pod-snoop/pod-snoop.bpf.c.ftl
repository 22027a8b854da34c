// SPDX-License-Identifier: GPL-2.0
/*
 * pod-snoop: every program started, every file removed and every IPv4
 * connection opened, with the "pod" it happened in. Containers are ordinary processes in namespaces and a cgroup,
 * and they all share this one kernel: the task tells us which pod it is in.
 *   cgroup_id  bpf_get_current_cgroup_id(): the task's cgroup v2 (one per pod)
 *   hostname   task->nsproxy->uts_ns->name.nodename: its UTS namespace's name
 *   ns_pid     its pid as seen inside its own PID namespace (1 = the pod's first)
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

/* PROC_UTS_INIT_INO: the inode number of the host's (the initial) UTS namespace. */
#define HOST_UTS_NS 0xEFFFFFFEU
#define ONLY_PODS ${only_pods}
#define AF_INET 2	/* a macro of the C library's headers, not in vmlinux.h */

struct event {
	__u32 pid;		/* as the host sees it */
	__u32 ns_pid;		/* as the pod sees it */
	__u64 cgroup_id;
	char hostname[65];
	char comm[16];
	char syscall[8];	/* "exec", "unlink" or "connect" */
	char filename[256];	/* exec and unlink: the path they were given */
	char address[24];	/* connect: where to, "address:port" */
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* A global that points to struct event keeps the type in the object's BTF:
 * that is where bpflab reads the field names of each record. */
struct event *unused_event __attribute__((unused));

/* struct pid keeps one number per PID namespace level, from the host's (0)
 * down to the task's own (level). */
static __always_inline __u32 pid_in_own_namespace(struct task_struct *task)
{
	struct pid *pid = BPF_CORE_READ(task, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);
	struct upid upid = {};

	bpf_core_read(&upid, sizeof(upid), &pid->numbers[level]);
	return upid.nr;
}

/* Reserves an event and fills in which task, and which pod, is doing this;
 * NULL for the host's own tasks (unless only_pods is false) or a full buffer. */
static __always_inline struct event *start(const char *syscall)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct event *e;

	if (ONLY_PODS && BPF_CORE_READ(task, nsproxy, uts_ns, ns.inum) == HOST_UTS_NS)
		return NULL;	/* the host itself (the lab's own processes too) */

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return NULL;	/* ring buffer full: this event is lost */
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->ns_pid = pid_in_own_namespace(task);
	e->cgroup_id = bpf_get_current_cgroup_id();
	BPF_CORE_READ_STR_INTO(&e->hostname, task, nsproxy, uts_ns, name.nodename);
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	__builtin_memcpy(e->syscall, syscall, sizeof(e->syscall));
	e->filename[0] = '\0';	/* ring buffer memory is not zeroed */
	e->address[0] = '\0';
	return e;
}

static __always_inline int emit_path(const char *syscall, const char *filename)
{
	struct event *e = start(syscall);

	if (!e)
		return 0;
	bpf_probe_read_user_str(e->filename, sizeof(e->filename), filename);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int trace_execve(struct trace_event_raw_sys_enter *ctx)
{
	return emit_path("exec", (const char *)ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_enter_unlinkat")
int trace_unlinkat(struct trace_event_raw_sys_enter *ctx)
{
	return emit_path("unlink", (const char *)ctx->args[1]);
}

/* connect(fd, addr, len): addr is the program's own memory; only IPv4 here. */
SEC("tracepoint/syscalls/sys_enter_connect")
int trace_connect(struct trace_event_raw_sys_enter *ctx)
{
	struct sockaddr_in to = {};
	struct event *e;

	if (bpf_probe_read_user(&to, sizeof(to), (void *)ctx->args[1]) || to.sin_family != AF_INET)
		return 0;
	e = start("connect");
	if (!e)
		return 0;
	/* %pI4 prints the four bytes it points to as a dotted address */
	BPF_SNPRINTF(e->address, sizeof(e->address), "%pI4:%u", &to.sin_addr, bpf_ntohs(to.sin_port));
	bpf_ringbuf_submit(e, 0);
	return 0;
}
