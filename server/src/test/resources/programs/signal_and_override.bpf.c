// Helpers that reach into other processes, each refused with its own error: kill whoever unlinks a file, make
// unlinkat fail for everyone, and the same through a subprogram and a kfunc (under a libbpf "flavor" name, which
// libbpf resolves to the kernel's bpf_send_signal_task).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

extern int bpf_send_signal_task___lab(struct task_struct *task, int sig, enum pid_type type, u64 value) __ksym __weak;

static __noinline int stop_caller(int sig)
{
	return bpf_send_signal_thread(sig);
}

SEC("tp/syscalls/sys_enter_unlinkat")
int kill_unlinkers(void *ctx)
{
	bpf_send_signal(9);
	stop_caller(19);
	bpf_send_signal_task___lab(bpf_get_current_task_btf(), 9, PIDTYPE_PID, 0);
	return 0;
}

SEC("kprobe/__x64_sys_unlinkat")
int BPF_KPROBE(fail_unlinkat)
{
	bpf_override_return(ctx, -1);
	return 0;
}
