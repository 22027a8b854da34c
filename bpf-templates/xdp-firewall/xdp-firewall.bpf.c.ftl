// SPDX-License-Identifier: GPL-2.0
/*
 * xdp-firewall: an eBPF firewall. XDP runs this function for every packet the
 * network card (here: bpflab0, one end of a veth pair) receives, before the
 * kernel's network stack sees it. Returning XDP_DROP throws the packet away;
 * XDP_PASS lets it go on. Each rule counts its drops in the "drops" map and
 * every drop is also sent as an event. Both name the rule with enum rule, so
 * bpflab shows RULE_PORT where the kernel stores 1.
 *
 * The ports rule also reads the "blocked_ports" map, so you can block a port
 * while the firewall runs, without reloading it: in the Maps tab, add the
 * entry 7778 → ACTION_DROP to blocked_ports, fire veth-traffic, and the TCP
 * connection to 7778 times out. Delete the entry and it is refused again.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define ETH_P_IP 0x0800

<#assign protocol_numbers = {"none": 0, "icmp": 1, "tcp": 6, "udp": 17}>
/* The rules. 0 turns a rule off. */
#define DROP_PROTOCOL ${protocol_numbers[drop_protocol]}	/* ${drop_protocol} */
#define DROP_PORT ${drop_port}	/* TCP or UDP destination port */
#define DROP_SOURCE ${drop_source}	/* ${drop_source_dotted} */

enum rule {
	RULE_PROTOCOL = 0,
	RULE_PORT = 1,
	RULE_SOURCE = 2,
	RULE_COUNT,
};

struct event {
	enum rule rule;		/* 4 bytes, like a __u32; BTF keeps the names */
	__u32 protocol;		/* 1 ICMP, 6 TCP, 17 UDP */
	__u8 saddr[4];
	__u8 daddr[4];
	__u16 dport;
	__u16 len;
};

/* A hash, not an array: the kernel wants an array's key to be a plain integer,
 * and only a key of type enum rule lets bpflab show the rules' names. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RULE_COUNT);
	__type(key, enum rule);
	__type(value, __u64);
} drops SEC(".maps");

/* What blocked_ports says of a port. */
enum action {
	ACTION_PASS = 0,
	ACTION_DROP = 1,
};

/* Ports to drop, written at run time (the Maps tab, or bpftool map update):
 * the program looks each packet's port up here, so a new rule takes effect
 * on the next packet, with no reload. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u16);		/* TCP or UDP destination port */
	__type(value, enum action);
} blocked_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* A global that points to struct event keeps the type in the object's BTF:
 * that is where bpflab reads the field names of each record. */
struct event *unused_event __attribute__((unused));

static __always_inline int drop(enum rule rule, struct iphdr *ip, __u16 dport, __u64 len)
{
	__u64 one = 1, *count = bpf_map_lookup_elem(&drops, &rule);
	struct event *e;

	if (count)
		__sync_fetch_and_add(count, 1);
	else	/* a rule's first drop; BPF_NOEXIST: if another CPU added it first, keep its count */
		bpf_map_update_elem(&drops, &rule, &one, BPF_NOEXIST);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		e->rule = rule;
		e->protocol = ip->protocol;
		__builtin_memcpy(e->saddr, &ip->saddr, 4);
		__builtin_memcpy(e->daddr, &ip->daddr, 4);
		e->dport = dport;
		e->len = len;
		bpf_ringbuf_submit(e, 0);
	}
	return XDP_DROP;
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
		dport = bpf_ntohs(ports[1]);
	}

	if (DROP_SOURCE != 0 && bpf_ntohl(ip->saddr) == DROP_SOURCE)
		return drop(RULE_SOURCE, ip, dport, data_end - data);
	if (DROP_PROTOCOL != 0 && ip->protocol == DROP_PROTOCOL)
		return drop(RULE_PROTOCOL, ip, dport, data_end - data);
	if (DROP_PORT != 0 && dport == DROP_PORT)
		return drop(RULE_PORT, ip, dport, data_end - data);
	if (dport != 0) {
		enum action *action = bpf_map_lookup_elem(&blocked_ports, &dport);

		if (action && *action == ACTION_DROP)
			return drop(RULE_PORT, ip, dport, data_end - data);
	}
	return XDP_PASS;
}
