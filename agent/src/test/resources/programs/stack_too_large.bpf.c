// A buffer on the stack larger than the 512 bytes a BPF program has, as a copy of a path would be.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tp/syscalls/sys_enter_openat")
int copy_path(void *ctx)
{
	char path[1024];

	bpf_probe_read_user_str(path, sizeof(path), (void *)bpf_get_current_task());
	bpf_printk("%s", path);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
