package dev.bpflab.compiler;

import dev.bpflab.support.system.RunningKernel;
import java.nio.file.Path;

/**
 * The kernel a program is compiled for: its {@code vmlinux.h} (CO-RE types from its BTF) and, for a guest image, the
 * libbpf and UAPI headers of the guest's root filesystem.
 *
 * @param release the kernel release, e.g. "6.1.0-40-amd64", for messages and cache names
 * @param headers a directory holding {@code vmlinux.h} and the guest's {@code bpf/}, {@code linux/}, {@code asm/},
 *                {@code asm-generic/} headers (what {@code build-image.sh} extracts into an image's {@code include/}),
 *                or null for the kernel this host runs (its BTF at /sys/kernel/btf/vmlinux, the host's headers)
 */
public record TargetKernel(String release, Path headers) {

    /** This host's running kernel (the local backend). */
    public static TargetKernel running() {
        return new TargetKernel(RunningKernel.release(), null);
    }

    /** A guest image's kernel, with the headers extracted when the image was built. */
    public static TargetKernel image(String release, Path headers) {
        return new TargetKernel(release, headers);
    }

    public boolean isRunningKernel() {
        return headers == null;
    }
}
