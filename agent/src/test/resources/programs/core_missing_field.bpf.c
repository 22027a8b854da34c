// Code written for kernels before 5.14, where task_struct still had "state" (now "__state").
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	long state;
} __attribute__((preserve_access_index));

SEC("tp/syscalls/sys_enter_openat")
int reads_old_field(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	int pid = BPF_CORE_READ(task, pid);
	long state = BPF_CORE_READ(task, state);
	bpf_printk("pid %d state %ld", pid, state);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
