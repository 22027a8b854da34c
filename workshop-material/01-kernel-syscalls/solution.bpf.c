// SPDX-License-Identifier: GPL-2.0
/*
 * Lesson 1: kernel, hardware and user space.
 * Every time a process asks the kernel to run a program (the execve syscall),
 * the kernel runs this function first, and bpf_printk writes a line to the
 * trace log (/sys/kernel/tracing/trace_pipe): bpflab shows it in the printk tab.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint/syscalls/sys_enter_execve")
int hello(struct trace_event_raw_sys_enter *ctx)
{
	char comm[16];
	char program[64];

	/* the name of the process making the syscall (its "comm") */
	bpf_get_current_comm(&comm, sizeof(comm));
	/* execve's first argument is the path of the program, in user memory */
	bpf_probe_read_user_str(program, sizeof(program), (const char *)ctx->args[0]);
	bpf_printk("execve: %s runs %s", comm, program);
	return 0;
}
