// An open-coded loop: bpf_for came with libbpf 1.2 and needs Linux 6.4's iterators.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
char LICENSE[] SEC("license") = "GPL";
SEC("tracepoint/syscalls/sys_enter_unlinkat")
int count_to_ten(void *ctx) {
    int i, sum = 0;
    bpf_for(i, 0, 10) { sum += i; }
    bpf_printk("sum %d", sum);
    return 0;
}
