// SPDX-License-Identifier: GPL-2.0
/*
 * syscount: how many syscalls each process makes. The raw_syscalls/sys_enter
 * tracepoint fires on every syscall of every process; we add one to a counter
 * kept in a hash map keyed by process. User space never sees each call, only
 * the map, which bpflab reads every second and draws as a histogram.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

/* Filter: "" counts every command. */
static const char target_comm[16] = ${comm};
#define TARGET_COMM_LEN ${comm_len}
#define MAX_PROCESSES ${max_processes}

struct proc_key {
	__u32 pid;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_PROCESSES);
	__type(key, struct proc_key);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline bool comm_matches(const char *comm)
{
	for (int i = 0; i < TARGET_COMM_LEN; i++)
		if (comm[i] != target_comm[i])
			return false;
	return TARGET_COMM_LEN == 0 || comm[TARGET_COMM_LEN] == '\0';
}

SEC("tracepoint/raw_syscalls/sys_enter")
int count_syscalls(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct proc_key key = {};
	__u64 one = 1, *count;

	/* the process's name (its main thread's), not the name of the thread making this syscall */
	BPF_CORE_READ_STR_INTO(&key.comm, task, group_leader, comm);
	if (!comm_matches(key.comm))
		return 0;
	key.pid = bpf_get_current_pid_tgid() >> 32;

	count = bpf_map_lookup_elem(&counts, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		/* BPF_NOEXIST: if another CPU added this key first, keep its count */
		bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);
	return 0;
}
