// SPDX-License-Identifier: GPL-2.0
/*
 * Lesson 6: an eBPF firewall with XDP.
 * XDP runs this function for every packet bpflab0 (one end of a veth pair)
 * receives, before the kernel's network stack sees it. The return value is
 * the verdict: XDP_PASS lets the packet go on, XDP_DROP throws it away.
 * Right now it parses each packet and lets everything through.
 * Your job: two rules, each counting its drops in the drops map, and a
 * third that reads its ports from the blocked_ports map at run time.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define ETH_P_IP 0x0800		/* the EtherType of IPv4 */
#define BLOCKED_PORT 7777	/* UDP destination port to block */

enum rule {
	RULE_ICMP = 0,		/* drop every ping */
	RULE_PORT = 1,		/* drop UDP to BLOCKED_PORT */
	RULE_COUNT,
};

/* drops[rule] = packets that rule dropped */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RULE_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

/* What blocked_ports says of a port. */
enum action {
	ACTION_PASS = 0,
	ACTION_DROP = 1,
};

/* blocked_ports[port] = ACTION_DROP: ports to drop, written while the
 * program runs (the Maps tab's form), so a new rule needs no reload. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u16);		/* TCP or UDP destination port */
	__type(value, enum action);
} blocked_ports SEC(".maps");

static __always_inline void count_drop(__u32 rule)
{
	__u64 *count = bpf_map_lookup_elem(&drops, &rule);

	if (count)
		__sync_fetch_and_add(count, 1);
}

SEC("xdp")
int firewall(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	__u16 dport = 0;

	/* Every access must be checked against data_end, or the verifier refuses the program. */
	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;	/* ARP, IPv6, ...: not our business */
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->ihl < 5)
		return XDP_PASS;

	if (ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP) {
		/* both headers start with the source and destination ports */
		__be16 *ports = (void *)ip + ip->ihl * 4;

		if ((void *)(ports + 2) > data_end)
			return XDP_PASS;
		dport = bpf_ntohs(ports[1]);	/* network byte order → host */
	}

	/*
	 * TODO rule 0: if ip->protocol is IPPROTO_ICMP,
	 *              count_drop(RULE_ICMP) and return XDP_DROP.
	 * TODO rule 1: if ip->protocol is IPPROTO_UDP and dport is BLOCKED_PORT,
	 *              count_drop(RULE_PORT) and return XDP_DROP.
	 * TODO rule 2: look dport up in blocked_ports; if the entry says
	 *              ACTION_DROP, count_drop(RULE_PORT) and return XDP_DROP.
	 * Everything else (TCP included) must still get XDP_PASS.
	 */
	return XDP_PASS;
}
