// SPDX-License-Identifier: GPL-2.0
/*
 * Lesson 4: kernel + eBPF = code attached to kernel events.
 * The tracepoint syscalls/sys_enter_openat fires every time a process enters
 * openat(dfd, filename, flags, mode), before the kernel does the work.
 * It counts opens per command in a hash map (user space reads the totals)
 * and sends one event per file touch opens through a ring buffer.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

/* Events go to user space only for this command. */
static const char target_comm[16] = "touch";

struct comm_key {
	char comm[16];
};

/* A map: kernel and user space share it. Here: command → opens. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct comm_key);
	__type(value, __u64);
} opens SEC(".maps");

struct event {
	__u32 pid;
	char comm[16];
	char filename[256];
};

/* A ring buffer: records travel from the kernel to user space, in order. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* A global that points to struct event keeps the type in the object's BTF:
 * that is where bpflab reads the field names of each record. */
struct event *unused_event __attribute__((unused));

static __always_inline bool comm_matches(const char *comm)
{
	for (int i = 0; i < sizeof(target_comm); i++) {
		if (comm[i] != target_comm[i])
			return false;
		if (comm[i] == '\0')
			break;
	}
	return true;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int trace_openat(struct trace_event_raw_sys_enter *ctx)
{
	struct comm_key key = {};
	__u64 one = 1, *count;
	struct event *e;

	bpf_get_current_comm(&key.comm, sizeof(key.comm));

	/* 1. Count every open, whoever makes it. The lookup returns a pointer
	 *    to the value, or NULL when the key is not in the map yet. */
	count = bpf_map_lookup_elem(&opens, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&opens, &key, &one, BPF_NOEXIST);

	/* 2. The details go to user space, but only for touch. */
	if (!comm_matches(key.comm))
		return 0;

	/* Reserve room for one record; NULL when the buffer is full. */
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;	/* this event is lost */
	e->pid = bpf_get_current_pid_tgid() >> 32;
	__builtin_memcpy(e->comm, key.comm, sizeof(e->comm));
	/* openat's second argument is the path, in the process's memory */
	bpf_probe_read_user_str(e->filename, sizeof(e->filename), (const char *)ctx->args[1]);
	bpf_ringbuf_submit(e, 0);
	return 0;
}
