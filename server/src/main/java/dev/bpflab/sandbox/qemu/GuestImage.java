package dev.bpflab.sandbox.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A built guest image ({@code build-image.sh}'s {@code OUT_DIR/current}, resolved): the kernel, the initramfs with the
 * agent, the shared root filesystem, {@code include/} (the guest kernel's {@code vmlinux.h} and raw BTF
 * ({@code vmlinux.btf}) and the guest's libbpf and UAPI headers, which learners' programs are compiled against on the
 * host) and {@code toolchain/} (the guest distribution's clang, llvm and bpftool, which compile them).
 *
 * @param dir           the image directory ({@code image-BASE-LAYER}, no symbolic link)
 * @param id            the image's content hash, part of the saved VM's key
 * @param kernelRelease the guest kernel's release, e.g. {@code 6.1.0-28-amd64}
 * @param name          the guest distribution's name, e.g. "Debian GNU/Linux 13 (trixie)"
 * @param toolchainName what compiles for it, e.g. "clang 19.1.7, libbpf 1.5"
 */
record GuestImage(Path dir, String id, String kernelRelease, String name, String toolchainName) {
    private static final List<String> FILES = List.of("vmlinuz", "initrd.img", "rootfs.squashfs", "image.id", "release",
            "name", "toolchain.txt", "include/vmlinux.h", "include/vmlinux.btf", "toolchain/usr/bin/clang");

    /** The headers programs for this guest are compiled against, and its kernel's raw BTF ({@code vmlinux.btf}). */
    Path headers() {
        return dir.resolve("include");
    }

    /** The root whose {@code /usr} holds the compiler for this guest (a link into the image's base, resolved). */
    Path toolchain() {
        try {
            return dir.resolve("toolchain").toRealPath();
        } catch (IOException e) {
            return dir.resolve("toolchain"); // checked when the image was read; a compile then says what is missing
        }
    }

    /** Reads the image {@code current} points at; an IOException names what is missing. */
    static GuestImage check(Path current) throws IOException {
        Path dir = current.toRealPath();
        for (String file : FILES) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                throw new IOException("missing " + file + " (an image built before kernels had toolchains?)");
            }
        }
        return new GuestImage(dir, Files.readString(dir.resolve("image.id")).strip(),
                Files.readString(dir.resolve("release")).strip(), Files.readString(dir.resolve("name")).strip(),
                Files.readString(dir.resolve("toolchain.txt")).strip());
    }
}
