package dev.bpflab.sandbox;

/**
 * One kernel a backend runs programs on, as it is now: the qemu backend has one per guest image ({@code debian12},
 * {@code debian13}: each its own saved VM and pool, its own toolchain), the local backend one, this host's.
 *
 * @param id          what a run names it by ({@code "kernel"} in a run), e.g. {@code debian13}
 * @param name        for people, e.g. "Debian 13 (trixie)"
 * @param release     the kernel release, e.g. {@code 6.12.57+deb13-amd64}; null until its image is built
 * @param toolchain   what programs for it are compiled with, e.g. "clang 19, libbpf 1.5"; null until known
 * @param preparation its image build and saved VM, and how far they are (ready at once for the local backend)
 */
public record Kernel(String id, String name, String release, String toolchain, Preparation preparation) {
}
