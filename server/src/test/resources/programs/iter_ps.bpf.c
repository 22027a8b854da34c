// A ps-like listing: one line per process, printed each time the iterator is read. The first line says when it ran.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("iter/task")
int ps(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;

	if (!task)
		return 0;
	if (ctx->meta->seq_num == 0)
		BPF_SEQ_PRINTF(seq, "read at %llu ns\n", bpf_ktime_get_ns());
	if (task->pid == task->tgid)
		BPF_SEQ_PRINTF(seq, "%7d %s\n", task->tgid, task->comm);
	return 0;
}
