// SPDX-License-Identifier: GPL-2.0
/*
 * Lesson 1: kernel, hardware and user space.
 * Every time a process asks the kernel to run a program (the execve syscall),
 * the kernel runs this function first. Right now it looks but says nothing.
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

	/* the name of the process making the syscall (its "comm") */
	bpf_get_current_comm(&comm, sizeof(comm));

	/*
	 * TODO: say which program is being executed.
	 *   execve(filename, argv, envp): ctx->args[0] is filename, a pointer into
	 *   the memory of the process (user space), so it cannot be read directly:
	 *   1. declare a buffer, e.g. char program[64];
	 *   2. copy the string with bpf_probe_read_user_str(program, sizeof(program),
	 *      (const char *)ctx->args[0]);
	 *   3. print it with bpf_printk("execve: %s runs %s", comm, program);
	 */
	return 0;
}
