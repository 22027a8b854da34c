// Far more text than one read carries: 64 lines of 64 bytes for every task, threads included.
#include "iter_types.h"

SEC("iter/task")
int verbose(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;

	if (!task)
		return 0;
	for (int i = 0; i < 64; i++)
		BPF_SEQ_PRINTF(seq, "%7d %16s line %2d ..............................\n", task->pid, task->comm, i);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
