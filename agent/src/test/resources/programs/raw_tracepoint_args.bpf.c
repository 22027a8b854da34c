// A raw tracepoint read past its arguments: sched_process_exec passes three (p, old_pid, bprm).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("raw_tp/sched_process_exec")
int on_exec(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 task = ctx->args[0];
	__u64 beyond = ctx->args[7];

	bpf_printk("exec %llx %llx", task, beyond);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
