// SPDX-License-Identifier: GPL-2.0
/*
 * Lesson 8: the final challenge — a small guardian for your files.
 *   (a) an event for every chmod: who, which file, which mode   (done)
 *   (b) a count of unlinkat calls per command, in a hash map     (TODO)
 *   (c) nobody may remove bpflab-protected.txt                   (TODO)
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

/*
 * TODO (b): count unlinkat calls per command.
 *   - a key struct with one field, char comm[16];
 *   - a BPF_MAP_TYPE_HASH named unlinks: that key → __u64
 *   - a program on SEC("tracepoint/syscalls/sys_enter_unlinkat") that fills
 *     the key with bpf_get_current_comm and adds 1 (lookup; if found
 *     __sync_fetch_and_add, else bpf_map_update_elem with 1 and BPF_NOEXIST)
 */

/* ---- (c) the protected file ------------------------------------------- */

/*
 * TODO (c): deny removing bpflab-protected.txt.
 *   - SEC("lsm/inode_unlink"),
 *     int BPF_PROG(guard_unlink, struct inode *dir, struct dentry *victim, int ret)
 *   - if ret != 0, return ret (someone already said no)
 *   - read the name: BPF_CORE_READ(victim, d_name.name) with
 *     bpf_probe_read_kernel_str; compare it, NUL included, with
 *     "bpflab-protected.txt"
 *   - same name: return -EPERM (#define EPERM 1: vmlinux.h has no errno
 *     macros); any other name: return 0
 */
