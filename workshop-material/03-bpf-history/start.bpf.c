// SPDX-License-Identifier: GPL-2.0
/*
 * Lesson 3: where BPF comes from.
 * In 1993 BPF was a packet filter: a tiny program the kernel ran on every
 * packet to decide whether tcpdump should see it. Here it is reborn as XDP:
 * this function runs for every packet bpflab0 receives, before the kernel's
 * network stack. It only watches: XDP_PASS lets every packet go on.
 * Right now it counts every frame under key 0. Your job: count per protocol.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define ETH_P_IP 0x0800	/* the EtherType of IPv4 */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);	/* IP protocol number: 1 ICMP, 6 TCP, 17 UDP */
	__type(value, __u64);	/* packets seen */
} packets SEC(".maps");

static __always_inline void count(__u32 key)
{
	__u64 one = 1, *n;

	n = bpf_map_lookup_elem(&packets, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		/* BPF_NOEXIST: if another CPU added this key first, keep its count */
		bpf_map_update_elem(&packets, &key, &one, BPF_NOEXIST);
}

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	/*
	 * TODO: count by IP protocol instead of all under 0.
	 *   void *data = (void *)(long)ctx->data;          first byte of the packet
	 *   void *data_end = (void *)(long)ctx->data_end;  one past the last byte
	 *   1. struct ethhdr *eth = data; check (void *)(eth + 1) <= data_end,
	 *      and that eth->h_proto == bpf_htons(ETH_P_IP) (else: not IPv4, pass)
	 *   2. struct iphdr *ip = (void *)(eth + 1); check (void *)(ip + 1) <= data_end
	 *   3. count(ip->protocol);
	 * Every check against data_end is mandatory: without it the verifier
	 * refuses the program.
	 */
	count(0);
	return XDP_PASS;
}
