// SPDX-License-Identifier: GPL-2.0
/*
 * Lesson 8: the final challenge — a small guardian for your files.
 *   (a) an event for every chmod: who, which file, which mode
 *   (b) a count of unlinkat calls per command, in a hash map
 *   (c) nobody may remove bpflab-protected.txt (an LSM hook)
 * One object, three programs: libbpf attaches each one by its SEC().
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

/* ---- (a) chmod events ------------------------------------------------- */

struct event {
	__u32 pid;
	char comm[16];
	__u32 mode;		/* the new permissions, in decimal (384 = 0600) */
	char filename[256];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* A global that points to struct event keeps the type in the object's BTF:
 * that is where bpflab reads the field names of each record. */
struct event *unused_event __attribute__((unused));

/* fchmodat(int dfd, const char *filename, umode_t mode) */
SEC("tracepoint/syscalls/sys_enter_fchmodat")
int watch_chmod(struct trace_event_raw_sys_enter *ctx)
{
	struct event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;	/* ring buffer full: this event is lost */
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	e->mode = (__u32)ctx->args[2];
	bpf_probe_read_user_str(e->filename, sizeof(e->filename), (const char *)ctx->args[1]);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* ---- (b) unlinks per command ------------------------------------------ */

struct comm_key {
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct comm_key);
	__type(value, __u64);
} unlinks SEC(".maps");

/* unlinkat(int dfd, const char *pathname, int flags) */
SEC("tracepoint/syscalls/sys_enter_unlinkat")
int count_unlinks(struct trace_event_raw_sys_enter *ctx)
{
	struct comm_key key = {};
	__u64 one = 1, *n;

	bpf_get_current_comm(&key.comm, sizeof(key.comm));
	n = bpf_map_lookup_elem(&unlinks, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		/* BPF_NOEXIST: if another CPU added this key first, keep its count */
		bpf_map_update_elem(&unlinks, &key, &one, BPF_NOEXIST);
	return 0;
}

/* ---- (c) the protected file ------------------------------------------- */

/* vmlinux.h has the kernel's types but no macros: errno values are ours to define. */
#define EPERM 1		/* Operation not permitted */

static const char protected_name[] = "bpflab-protected.txt";
#define PROTECTED_NAME_LEN (sizeof(protected_name) - 1)

/* int inode_unlink(struct inode *dir, struct dentry *dentry); ret is what the
 * LSM programs that ran before this one decided. */
SEC("lsm/inode_unlink")
int BPF_PROG(guard_unlink, struct inode *dir, struct dentry *victim, int ret)
{
	char name[PROTECTED_NAME_LEN + 2];	/* one more than needed: a longer name must not look equal */

	if (ret != 0)
		return ret;	/* someone already said no: keep their answer */

	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(victim, d_name.name));
	/* equal means the same bytes and the NUL right after them */
	for (int i = 0; i <= PROTECTED_NAME_LEN; i++)
		if (name[i] != protected_name[i])
			return 0;	/* not our file: allowed */
	return -EPERM;		/* our file: "Operation not permitted" */
}
