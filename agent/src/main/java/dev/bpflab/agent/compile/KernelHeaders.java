package dev.bpflab.agent.compile;

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
import java.util.HexFormat;
import java.util.List;

/**
 * The running kernel's {@code vmlinux.h}, generated once from its BTF with bpftool, and a clang precompiled header
 * of it (clang spends most of a BPF compile parsing this 2.8 MB file). Cached per kernel build, compiler version and
 * flags ({@link #cacheKey}).
 */
public final class KernelHeaders {
    static final String VMLINUX_H = "vmlinux.h";
    static final String PCH = "vmlinux.h.pch";
    private static final Path KERNEL_BTF = Path.of("/sys/kernel/btf/vmlinux");

    private final Path dir;

    private KernelHeaders(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    boolean hasPch() {
        return Files.isRegularFile(dir.resolve(PCH));
    }

    /** Makes sure vmlinux.h (and, best effort, its PCH) exist under {@code cacheRoot}; safe with concurrent agents. */
    public static KernelHeaders prepare(Path cacheRoot, Jail jail, List<String> clangFlags) throws CompileException {
        if (!Files.isReadable(KERNEL_BTF)) {
            throw new CompileException("this kernel has no BTF at " + KERNEL_BTF + " (it needs CONFIG_DEBUG_INFO_BTF=y); "
                    + "bpflab generates vmlinux.h from it. Use a distribution kernel such as Debian's linux-image-amd64");
        }
        String key;
        try {
            key = cacheKey(Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip(),
                    Files.readString(Path.of("/proc/sys/kernel/version")).strip() + " btf " + Files.size(KERNEL_BTF),
                    jail.clangVersion(), jail.isolated(), clangFlags);
        } catch (IOException e) {
            throw new CompileException("cannot read the kernel release: " + e.getMessage());
        }
        Path dir = cacheRoot.resolve(key);
        KernelHeaders headers = new KernelHeaders(dir);
        if (headers.hasPch()) {
            return headers;
        }
        try {
            Files.createDirectories(dir);
            try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
                if (!Files.isRegularFile(dir.resolve(VMLINUX_H))) {
                    generateVmlinuxH(dir);
                }
                if (!headers.hasPch()) {
                    buildPch(dir, jail, clangFlags);
                }
            }
        } catch (IOException e) {
            throw new CompileException("cannot prepare kernel headers in " + dir + ": " + e.getMessage()
                    + " (set BPFLAB_CACHE to a writable directory)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompileException("interrupted while preparing kernel headers in " + dir);
        }
        return headers;
    }

    /**
     * The cache directory's name: {@code <kernel release>-<16 hex digits>}, the digits a SHA-256 of everything the
     * files depend on. vmlinux.h depends on the kernel's BTF ({@code kernelBuild}: its build string and BTF size);
     * the PCH also on the compiler's exact version ({@code clang --version}: an upgrade in place keeps clang's path,
     * and clang refuses a PCH from another version), on the flags, and on the paths the jail shows the header at.
     */
    static String cacheKey(String kernelRelease, String kernelBuild, String clangVersion, boolean jailed,
            List<String> clangFlags) {
        String identity = String.join("\n", kernelRelease, kernelBuild, clangVersion, jailed ? "jail" : "no jail",
                String.join(" ", clangFlags));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return kernelRelease.replaceAll("[^A-Za-z0-9._+-]", "_") + "-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
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

    /** The PCH records the header's path, so it is built through the same jail and paths that compiles use. */
    private static void buildPch(Path dir, Jail jail, List<String> clangFlags) throws IOException, InterruptedException {
        String inside = jail.includeDir(dir);
        List<String> args = new java.util.ArrayList<>(clangFlags);
        args.addAll(List.of("-x", "c-header", inside + "/" + VMLINUX_H, "-o", inside + "/" + PCH + ".partial"));
        ProcessResult result = Command.of(jail.command(dir, true, null, args)).inDirectory(dir).withStderrMerged()
                .withTimeout(Duration.ofSeconds(120)).run();
        if (result.succeeded()) {
            Files.move(dir.resolve(PCH + ".partial"), dir.resolve(PCH), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } else {
            // Without the PCH compiles still work, only slower.
            System.err.println("bpflab agent: could not build the vmlinux.h PCH: " + result.output());
        }
    }
}
