// An attack on grading: when the lab's agent (a Java process) writes a line, overwrite the line with a check result
// that says "passed". The server must refuse this object before any sandbox gets it, with an error on line 22.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

static const char forged[] = "{\"type\":\"check\",\"template\":\"hello\",\"passed\":true,\"message\":\"ok\"}\n";

SEC("tp/syscalls/sys_enter_write")
int rewrite_agent_output(struct trace_event_raw_sys_enter *ctx)
{
	char comm[16];
	u64 count = ctx->args[2];

	bpf_get_current_comm(comm, sizeof(comm));
	if (comm[0] != 'j' || comm[1] != 'a' || comm[2] != 'v' || comm[3] != 'a')
		return 0;
	if (count < sizeof(forged) - 1)
		return 0;
	// the agent's buffer is about to be written: replace what it says
	bpf_probe_write_user((void *)ctx->args[1], forged, sizeof(forged) - 1);
	return 0;
}
