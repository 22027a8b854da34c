// libbpf-bootstrap's current uprobe style: BPF_UPROBE came with libbpf 1.2 (Debian 13 has 1.5, Debian 12 1.1).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
char LICENSE[] SEC("license") = "GPL";
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, int); __type(value, long); }
    calls SEC(".maps");
SEC("uprobe/libc.so.6:malloc")
int BPF_UPROBE(on_malloc, size_t size) {
    int zero = 0;
    long *n = bpf_map_lookup_elem(&calls, &zero);
    if (n) __sync_fetch_and_add(n, 1);
    return 0;
}
