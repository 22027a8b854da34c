// SPDX-License-Identifier: GPL-2.0
/*
 * iter-task: a ps written in eBPF. An iterator program is not attached to
 * an event: it runs when its output is read, once for every task (process
 * or thread) the kernel has, and what it prints with BPF_SEQ_PRINTF is the
 * text that is read. bpflab reads it when it attaches, and again each time
 * you press "Read again": every read is a fresh walk over the tasks.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

/* true: one line per thread too, not only per process */
#define SHOW_THREADS ${show_threads}

SEC("iter/task")
int ps(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;

	/* the walk ends with one last call without a task */
	if (!task)
		return 0;

	/* seq_num counts the calls of this read: 0 is the first */
	if (ctx->meta->seq_num == 0)
		BPF_SEQ_PRINTF(seq, "%7s %7s %7s %s\n", "PID", "TID", "PPID", "COMM");

	/* a thread of a process has its own pid (TID); tgid is the process's */
	if (!SHOW_THREADS && task->pid != task->tgid)
		return 0;

	BPF_SEQ_PRINTF(seq, "%7d %7d %7d %s\n", task->tgid, task->pid,
		       task->real_parent->tgid, task->comm);
	return 0;
}
