// SPDX-License-Identifier: GPL-2.0
/*
 * Lesson 7: eBPF for security, with LSM hooks.
 * An LSM (Linux Security Module) hook runs when the kernel is about to allow
 * an action, and its return value is a vote: 0 means "fine by me", a negative
 * errno means "no". inode_unlink runs before any file is removed.
 * Right now this program only watches: it reports every attempt to remove a
 * file named bpflab-protected.txt and lets it happen. Your job: say no.
 * Needs a kernel booted with "bpf" in its LSM list (lsm=...,bpf).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

/* vmlinux.h has the kernel's types but no macros: errno values are ours to define. */
#define EPERM 1		/* Operation not permitted */

static const char protected_name[] = "bpflab-protected.txt";
#define PROTECTED_NAME_LEN (sizeof(protected_name) - 1)

struct event {
	__u32 pid;
	__u32 uid;
	char comm[16];
	char filename[64];	/* the name inside its directory, not the full path */
	__s32 verdict;		/* what the hook returned: 0 allowed, -1 (-EPERM) denied */
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* A global that points to struct event keeps the type in the object's BTF:
 * that is where bpflab reads the field names of each record. */
struct event *unused_event __attribute__((unused));

/* int inode_unlink(struct inode *dir, struct dentry *dentry); ret is what the
 * LSM programs that ran before this one decided. */
SEC("lsm/inode_unlink")
int BPF_PROG(guard_unlink, struct inode *dir, struct dentry *victim, int ret)
{
	char name[PROTECTED_NAME_LEN + 2];	/* one more than needed: a longer name must not look equal */
	struct event *e;
	int verdict = 0;

	if (ret != 0)
		return ret;	/* someone already said no: keep their answer */

	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(victim, d_name.name));
	/* equal means the same bytes and the NUL right after them */
	for (int i = 0; i <= PROTECTED_NAME_LEN; i++)
		if (name[i] != protected_name[i])
			return 0;	/* not our file: allowed */

	/* TODO: deny it. Set verdict to -EPERM (so the event says -1). */

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		e->pid = bpf_get_current_pid_tgid() >> 32;
		e->uid = (__u32)bpf_get_current_uid_gid();
		bpf_get_current_comm(&e->comm, sizeof(e->comm));
		bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), BPF_CORE_READ(victim, d_name.name));
		e->verdict = verdict;
		bpf_ringbuf_submit(e, 0);
	}
	/* TODO: return the verdict instead of 0. */
	return 0;
}
