package dev.bpflab.compiler;

import dev.bpflab.support.system.RunningKernel;
import java.nio.file.Path;

/**
 * The kernel a program is compiled for, and what it is compiled with: its {@code vmlinux.h} (CO-RE types from its
 * BTF) and, for a guest image, the libbpf and UAPI headers of the guest's root filesystem and the toolchain of the
 * guest's distribution (its clang, llvm-objdump and bpftool, in a root of their own).
 *
 * @param release   the kernel release, e.g. "6.1.0-40-amd64", for messages and cache names
 * @param headers   a directory holding {@code vmlinux.h} and the guest's {@code bpf/}, {@code linux/}, {@code asm/},
 *                  {@code asm-generic/} headers (what {@code build-image.sh} extracts into an image's {@code include/}),
 *                  or null for the kernel this host runs (its BTF at /sys/kernel/btf/vmlinux, the host's headers)
 * @param toolchain a root filesystem whose {@code /usr} has clang, llvm and bpftool (an image's {@code toolchain/}):
 *                  the jail runs them with that {@code /usr} as its own; null: this host's clang and bpftool
 */
public record TargetKernel(String release, Path headers, Path toolchain) {

    /** This host's running kernel (the local backend), with this host's toolchain. */
    public static TargetKernel running() {
        return new TargetKernel(RunningKernel.release(), null, null);
    }

    /** A guest image's kernel, with the headers extracted when the image was built, and this host's toolchain. */
    public static TargetKernel image(String release, Path headers) {
        return new TargetKernel(release, headers, null);
    }

    /** A guest image's kernel, compiled for with the toolchain of the image's distribution ({@code toolchain/}). */
    public static TargetKernel image(String release, Path headers, Path toolchain) {
        return new TargetKernel(release, headers, toolchain);
    }

    public boolean isRunningKernel() {
        return headers == null;
    }
}
