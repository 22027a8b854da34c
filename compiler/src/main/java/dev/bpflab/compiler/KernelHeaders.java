package dev.bpflab.compiler;

import dev.bpflab.support.files.FileTrees;
import dev.bpflab.support.process.Command;
import dev.bpflab.support.process.Executables;
import dev.bpflab.support.process.ProcessResult;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A target kernel's headers as the jail shows them at {@value Jail#INCLUDE_DIR}: its {@code vmlinux.h} (for the
 * running kernel generated once from its BTF with bpftool; for a guest image copied from the image, where
 * {@code build-image.sh} generated it from the guest kernel's BTF), that BTF raw ({@value #VMLINUX_BTF}), the guest's
 * libbpf and UAPI headers when there are some, and a clang precompiled header of {@code vmlinux.h} (clang spends most of a BPF compile parsing that 2-3 MB
 * file). Cached under {@code CACHE/headers/} per kernel, compiler version and flags ({@link #cacheKey}).
 */
public final class KernelHeaders {
    static final String VMLINUX_H = "vmlinux.h";
    static final String PCH = "vmlinux.h.pch";
    /** The kernel's BTF, raw: what {@code bpftool gen min_core_btf} cuts down for each object. */
    static final String VMLINUX_BTF = "vmlinux.btf";
    private static final Path KERNEL_BTF = Path.of("/sys/kernel/btf/vmlinux");

    private final Path dir;

    private KernelHeaders(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The cache directory's name, which says everything the headers and PCH came from: part of a compile's key. */
    String identity() {
        return dir.getFileName().toString();
    }

    boolean hasPch() {
        return Files.isRegularFile(dir.resolve(PCH));
    }

    /** Whether the kernel's raw BTF is here (a guest image built before it was extracted has none). */
    boolean hasBtf() {
        return Files.isRegularFile(dir.resolve(VMLINUX_BTF));
    }

    /**
     * Makes sure the headers (and, best effort, the PCH) of {@code target} exist under {@code cacheRoot}; safe with
     * concurrent callers in this and other processes.
     *
     * @throws CompileException the kernel has no BTF, bpftool is missing, the image's headers are missing, or the
     *                          cache is not writable; the message says what to do
     */
    public static KernelHeaders prepare(Path cacheRoot, Jail jail, List<String> clangFlags, TargetKernel target)
            throws CompileException {
        Path root = cacheRoot.resolve("headers");
        String key;
        try {
            key = cacheKey(target.release(), buildOf(target), jail.clangVersion(), clangFlags);
        } catch (IOException e) {
            throw new CompileException("cannot read the headers of kernel " + target.release() + ": " + e.getMessage());
        }
        Path dir = root.resolve(key);
        KernelHeaders headers = new KernelHeaders(dir);
        if (headers.hasPch() && (headers.hasBtf() || !target.isRunningKernel())) {
            return headers;
        }
        try {
            Files.createDirectories(dir);
            try (FileChannel lockFile = FileChannel.open(root.resolve(key + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
                if (!Files.isRegularFile(dir.resolve(VMLINUX_H))) {
                    if (target.isRunningKernel()) {
                        generateVmlinuxH(dir);
                    } else {
                        copyTree(target.headers(), dir);
                    }
                }
                if (target.isRunningKernel() && !headers.hasBtf()) {
                    Path partial = dir.resolve(VMLINUX_BTF + ".partial");
                    Files.copy(KERNEL_BTF, partial, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(partial, dir.resolve(VMLINUX_BTF), StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                }
                if (!headers.hasPch()) {
                    buildPch(cacheRoot, dir, jail, clangFlags);
                }
            }
        } catch (IOException e) {
            throw new CompileException("cannot prepare kernel headers in " + dir + ": " + e.getMessage()
                    + " (set bpflab.cache-dir to a writable directory)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompileException("interrupted while preparing kernel headers in " + dir);
        }
        return headers;
    }

    /** What the target's headers are made from: the running kernel's build and BTF size, or a digest of the files. */
    private static String buildOf(TargetKernel target) throws IOException, CompileException {
        if (target.isRunningKernel()) {
            if (!Files.isReadable(KERNEL_BTF)) {
                throw new CompileException("this kernel has no BTF at " + KERNEL_BTF + " (it needs "
                        + "CONFIG_DEBUG_INFO_BTF=y); bpflab generates vmlinux.h from it. Use a distribution kernel such "
                        + "as Debian's linux-image-amd64");
            }
            return Files.readString(Path.of("/proc/sys/kernel/version")).strip() + " btf " + Files.size(KERNEL_BTF);
        }
        if (!Files.isRegularFile(target.headers().resolve(VMLINUX_H))) {
            throw new CompileException("the guest image has no " + VMLINUX_H + " in " + target.headers()
                    + ": rebuild it with server/src/main/guest/build-image.sh");
        }
        return "files " + treeDigest(target.headers());
    }

    /**
     * The cache directory's name: {@code <kernel release>-<16 hex digits>}, the digits a SHA-256 of everything the
     * files depend on: the kernel's headers ({@code kernelBuild}), the compiler's exact version ({@code clang
     * --version}: an upgrade in place keeps clang's path, and clang refuses a PCH from another version) and the flags.
     */
    static String cacheKey(String kernelRelease, String kernelBuild, String clangVersion, List<String> clangFlags) {
        String identity = String.join("\n", kernelRelease, kernelBuild, clangVersion, String.join(" ", clangFlags));
        return kernelRelease.replaceAll("[^A-Za-z0-9._+-]", "_") + "-" + sha256(identity).substring(0, 16);
    }

    static String sha256(String text) {
        return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** A SHA-256 over the relative paths and contents of every file under {@code dir}, in name order. */
    private static String treeDigest(Path dir) throws IOException {
        MessageDigest digest = digest();
        for (Path file : files(dir)) {
            digest.update(dir.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(Files.readAllBytes(file));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** Copies the image's headers in, world-readable: the jail's unprivileged user reads them. */
    private static void copyTree(Path from, Path to) throws IOException {
        Path partial = to.resolveSibling(to.getFileName() + ".partial");
        FileTrees.delete(partial);
        for (Path file : files(from)) {
            Path target = partial.resolve(from.relativize(file).toString());
            Files.createDirectories(target.getParent());
            Files.copy(file, target);
        }
        FileTrees.delete(to);
        Files.move(partial, to, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void generateVmlinuxH(Path dir) throws IOException, InterruptedException, CompileException {
        Path bpftool = Executables.find("bpftool").orElseThrow(() -> new CompileException(
                "bpftool is not installed; bpflab needs it once to generate vmlinux.h: run `apt-get install bpftool`"));
        Path partial = dir.resolve(VMLINUX_H + ".partial");
        // the header (megabytes) goes straight to a file; the shell only redirects, its arguments are fixed paths
        ProcessResult result = Command.of("sh", "-c",
                "exec \"$0\" btf dump file /sys/kernel/btf/vmlinux format c > \"$1\"", bpftool.toString(),
                partial.toString()).inDirectory(dir).withStderrMerged().withTimeout(Duration.ofSeconds(60)).run();
        if (!result.succeeded()) {
            throw new CompileException("bpftool could not dump the kernel's BTF"
                    + (result.timedOut() ? " within 60 s" : " (exit " + result.exitCode() + ")") + ": " + result.output());
        }
        Files.move(partial, dir.resolve(VMLINUX_H), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * The PCH records the header's path, so it is built through the same jail and paths that compiles use; the jail
     * writes it into a work directory of its own, from where it is moved next to the header.
     */
    private static void buildPch(Path cacheRoot, Path dir, Jail jail, List<String> clangFlags)
            throws IOException, InterruptedException {
        Path work = jail.newWorkDir(WorkDirs.ofThisProcess(cacheRoot));
        try {
            List<String> args = new ArrayList<>(clangFlags);
            args.addAll(List.of("-x", "c-header", Jail.INCLUDE_DIR + "/" + VMLINUX_H, "-o", Jail.SOURCE_DIR + "/" + PCH));
            ProcessResult result = Command.of(jail.command(dir, work, args)).inDirectory(work).withStderrMerged()
                    .withTimeout(Duration.ofSeconds(120)).run();
            if (result.succeeded() && Files.isRegularFile(work.resolve(PCH))) {
                Files.move(work.resolve(PCH), dir.resolve(PCH), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } else {
                // Without the PCH compiles still work, only slower.
                System.err.println("bpflab: could not build the vmlinux.h PCH in " + dir + ": " + result.output());
            }
        } finally {
            FileTrees.delete(work);
        }
    }
}
