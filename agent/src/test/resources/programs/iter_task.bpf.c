// A ps-like listing: one line per process, printed each time the iterator is read.
#include "iter_types.h"

SEC("iter/task")
int ps(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;

	if (!task)
		return 0; /* the end of the walk */
	if (ctx->meta->seq_num == 0)
		BPF_SEQ_PRINTF(seq, "%7s %s\n", "PID", "COMM");
	if (task->pid == task->tgid) /* processes, not their other threads */
		BPF_SEQ_PRINTF(seq, "%7d %s\n", task->tgid, task->comm);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
