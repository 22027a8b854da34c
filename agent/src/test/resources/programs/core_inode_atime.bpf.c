// Code written for kernels from 6.11 on, where struct inode keeps i_atime_sec: older kernels have i_atime instead.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct inode {
	unsigned long i_ino;
	long long i_atime_sec;
} __attribute__((preserve_access_index));

struct file {
	struct inode *f_inode;
} __attribute__((preserve_access_index));

SEC("tp/syscalls/sys_enter_read")
int last_access(void *ctx)
{
	struct file *file = (void *)bpf_get_current_task(); /* any pointer: the read never runs */
	unsigned long ino = BPF_CORE_READ(file, f_inode, i_ino);
	long long atime = BPF_CORE_READ(file, f_inode, i_atime_sec);

	bpf_printk("inode %lu read, last accessed at %lld", ino, atime);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
