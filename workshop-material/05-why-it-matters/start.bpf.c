// SPDX-License-Identifier: GPL-2.0
/*
 * Lesson 5: why it matters — performance, visibility, no downtime.
 * read() is the busiest syscall there is. Sending an event per call to user
 * space would cost more than the reads themselves, so we count inside the
 * kernel: a hash map, command → reads. User space only reads the totals
 * (bpflab takes a snapshot of the maps every second).
 * Your job: a histogram of how many bytes each read asks for.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

#define MAX_SLOTS 32	/* histogram slots: 0 .. 31 */

struct comm_key {
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct comm_key);
	__type(value, __u64);
} reads SEC(".maps");

/*
 * TODO 1: the histogram map, named read_sizes:
 *   an array (BPF_MAP_TYPE_ARRAY) of MAX_SLOTS entries, key __u32 (the slot),
 *   value __u64 (how many reads fell in that slot). Declare it like reads.
 */

/* log2 of v, rounded down: 1 → 0, 2..3 → 1, 4..7 → 2, ... 4096..8191 → 12.
 * No loops: each line halves the range still to look at. */
static __always_inline __u32 log2_u32(__u32 v)
{
	__u32 r, shift;

	r = (v > 0xFFFF) << 4; v >>= r;
	shift = (v > 0xFF) << 3; v >>= shift; r |= shift;
	shift = (v > 0xF) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 hi = v >> 32;

	return hi ? log2_u32(hi) + 32 : log2_u32(v);
}

/* read(unsigned int fd, char *buf, size_t count) */
SEC("tracepoint/syscalls/sys_enter_read")
int count_reads(struct trace_event_raw_sys_enter *ctx)
{
	struct comm_key key = {};
	__u64 one = 1, *n;

	bpf_get_current_comm(&key.comm, sizeof(key.comm));
	n = bpf_map_lookup_elem(&reads, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		/* BPF_NOEXIST: if another CPU added this key first, keep its count */
		bpf_map_update_elem(&reads, &key, &one, BPF_NOEXIST);

	/*
	 * TODO 2: add 1 to the histogram slot of this read's size.
	 *   __u32 slot = log2_u64(ctx->args[2]);     count: the bytes asked for
	 *   keep it inside the array: if (slot >= MAX_SLOTS) slot = MAX_SLOTS - 1;
	 *   look the slot up in read_sizes and, if the pointer is not NULL,
	 *   __sync_fetch_and_add it by 1 (array entries always exist: no update
	 *   needed, but the verifier still wants the NULL check).
	 */
	return 0;
}
