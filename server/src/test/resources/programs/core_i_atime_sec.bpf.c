// struct inode's timestamps became i_atime_sec/i_atime_nsec in Linux 6.7 (6.1 has struct timespec64 i_atime).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
char LICENSE[] SEC("license") = "GPL";
SEC("lsm/inode_unlink")
int BPF_PROG(on_unlink, struct inode *dir, struct dentry *victim) {
    long long seconds = BPF_CORE_READ(dir, i_atime_sec);
    bpf_printk("directory last read at %lld", seconds);
    return 0;
}
