// SPDX-License-Identifier: GPL-2.0
/*
 * lsm-deny-unlink: eBPF for security. An LSM (Linux Security Module) hook runs
 * when the kernel is about to allow an action and can refuse it. This one runs
 * at inode_unlink, before any file is removed: if the file has the protected
 * name, it returns -EPERM and rm fails with "Operation not permitted".
 * Needs a kernel booted with "bpf" in its LSM list (lsm=...,bpf).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

#define EPERM 1

static const char protected_name[] = ${protected_name};
#define PROTECTED_NAME_LEN ${protected_name_len}

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

SEC("lsm/inode_unlink")
int BPF_PROG(deny_unlink, struct inode *dir, struct dentry *victim, int ret)
{
	char name[PROTECTED_NAME_LEN + 2];	/* one more than needed: a longer name must not look equal */
	struct event *e;

	if (ret != 0)
		return ret;	/* another security module already said no */

	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(victim, d_name.name));
	/* equal means the same bytes and the NUL right after them */
	for (int i = 0; i <= PROTECTED_NAME_LEN; i++)
		if (name[i] != protected_name[i])
			return 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		e->pid = bpf_get_current_pid_tgid() >> 32;
		e->uid = (__u32)bpf_get_current_uid_gid();
		bpf_get_current_comm(&e->comm, sizeof(e->comm));
		bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), BPF_CORE_READ(victim, d_name.name));
		e->verdict = -EPERM;
		bpf_ringbuf_submit(e, 0);
	}
	return -EPERM;
}
