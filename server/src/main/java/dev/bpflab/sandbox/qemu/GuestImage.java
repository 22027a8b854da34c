package dev.bpflab.sandbox.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A built guest image ({@code build-image.sh}'s {@code OUT_DIR/current}, resolved): the kernel, the initramfs with the
 * agent, the shared root filesystem, and {@code include/}: the guest kernel's {@code vmlinux.h} and raw BTF
 * ({@code vmlinux.btf}) and the guest's libbpf and UAPI headers, which learners' programs are compiled against on the
 * host.
 *
 * @param dir           the image directory ({@code image-BASE-LAYER}, no symbolic link)
 * @param id            the image's content hash, part of the saved VM's key
 * @param kernelRelease the guest kernel's release, e.g. {@code 6.1.0-28-amd64}
 */
record GuestImage(Path dir, String id, String kernelRelease) {
    private static final List<String> FILES = List.of("vmlinuz", "initrd.img", "rootfs.squashfs", "image.id", "release",
            "include/vmlinux.h", "include/vmlinux.btf");

    /** The headers programs for this guest are compiled against, and its kernel's raw BTF ({@code vmlinux.btf}). */
    Path headers() {
        return dir.resolve("include");
    }

    /** Reads the image {@code current} points at; an IOException names what is missing. */
    static GuestImage check(Path current) throws IOException {
        Path dir = current.toRealPath();
        for (String file : FILES) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                throw new IOException("missing " + file);
            }
        }
        return new GuestImage(dir, Files.readString(dir.resolve("image.id")).strip(),
                Files.readString(dir.resolve("release")).strip());
    }
}
