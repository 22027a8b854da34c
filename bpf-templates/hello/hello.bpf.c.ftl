// SPDX-License-Identifier: GPL-2.0
/*
 * hello: the smallest eBPF program worth running.
 * Every time any process calls execve (runs a program), the kernel runs this
 * function first, and bpf_printk writes a line to the trace log
 * (/sys/kernel/tracing/trace_pipe), which bpflab shows in the log pane.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define GREETING ${greeting}

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint/syscalls/sys_enter_execve")
int hello(struct trace_event_raw_sys_enter *ctx)
{
	char comm[16];
	char program[64];

	bpf_get_current_comm(&comm, sizeof(comm));
	/* execve's first argument is the path of the program, in user memory */
	bpf_probe_read_user_str(program, sizeof(program), (const char *)ctx->args[0]);
	bpf_printk(GREETING ": %s runs %s", comm, program);
	return 0;
}
