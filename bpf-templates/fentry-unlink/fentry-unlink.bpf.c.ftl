// SPDX-License-Identifier: GPL-2.0
/*
 * fentry-unlink: code attached to a kernel function, not to a syscall.
 * fentry runs when do_unlinkat (the kernel function behind unlink) starts and
 * fexit when it returns, with its arguments and its return value. Their
 * arguments are typed (BTF), so the kernel pointers can be read directly.
 * The time between both is measured with a map keyed by thread.
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
	char comm[16];
	char filename[256];
	__s64 ret;		/* 0 removed, or -errno (-2 = ENOENT: no such file) */
	__u64 duration_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* A global that points to struct event keeps the type in the object's BTF:
 * that is where bpflab reads the field names of each record. */
struct event *unused_event __attribute__((unused));

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);	/* thread id */
	__type(value, __u64);	/* when do_unlinkat started, in ns */
} start SEC(".maps");

static __always_inline bool comm_matches(const char *comm)
{
	for (int i = 0; i < TARGET_COMM_LEN; i++)
		if (comm[i] != target_comm[i])
			return false;
	return TARGET_COMM_LEN == 0 || comm[TARGET_COMM_LEN] == '\0';
}

SEC("fentry/do_unlinkat")
int BPF_PROG(unlink_entry, int dfd, struct filename *name)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 now = bpf_ktime_get_ns();
	char comm[16];

	bpf_get_current_comm(&comm, sizeof(comm));
	if (comm_matches(comm))
		bpf_map_update_elem(&start, &tid, &now, BPF_ANY);
	return 0;
}

SEC("fexit/do_unlinkat")
int BPF_PROG(unlink_exit, int dfd, struct filename *name, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	__u64 *started = bpf_map_lookup_elem(&start, &tid);
	struct event *e;

	if (!started)
		return 0;	/* filtered out at entry */
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		e->pid = pid_tgid >> 32;
		bpf_get_current_comm(&e->comm, sizeof(e->comm));
		bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), BPF_CORE_READ(name, name));
		e->ret = ret;
		e->duration_ns = bpf_ktime_get_ns() - *started;
		bpf_ringbuf_submit(e, 0);
	}
	bpf_map_delete_elem(&start, &tid);
	return 0;
}
