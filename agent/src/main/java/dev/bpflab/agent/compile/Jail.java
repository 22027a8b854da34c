package dev.bpflab.agent.compile;

import dev.bpflab.support.process.Command;
import dev.bpflab.support.process.Executables;
import dev.bpflab.support.process.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs clang where it can read nothing but its own files, the system headers and bpflab's generated headers.
 * Include filters can be bypassed (%:include, trigraphs, line splices, /proc/self/root, .incbin); a filesystem
 * view without the files cannot. Inside the jail the headers are at {@value #INCLUDE_DIR} and the source at
 * {@value #SOURCE_DIR}; without a jail (inside a disposable VM) the real paths are used.
 */
public final class Jail {
    static final String INCLUDE_DIR = "/bpflab/include";
    static final String SOURCE_DIR = "/src";

    private final Path bubblewrap; // null: no jail
    private final Path clang;
    private final String clangVersion;

    private Jail(Path bubblewrap, Path clang, String clangVersion) {
        this.bubblewrap = bubblewrap;
        this.clang = clang;
        this.clangVersion = clangVersion;
    }

    /**
     * {@code mode} "bwrap" requires bubblewrap; "none" runs clang directly, acceptable only where the whole machine
     * is disposable (the qemu guest).
     */
    public static Jail create(String mode) throws CompileException {
        Path clang = Executables.find("clang").orElseThrow(() -> new CompileException(
                "clang is not installed: run `apt-get install clang llvm` (Debian) and try again"));
        return create(mode, clang);
    }

    /** As {@link #create(String)}, with the clang found at {@code clang} (a path or a link to it). */
    static Jail create(String mode, Path clang) throws CompileException {
        Path realClang;
        try {
            realClang = clang.toRealPath();
        } catch (IOException e) {
            throw new CompileException("cannot resolve " + clang + ": " + e.getMessage());
        }
        Path bwrap = null;
        if ("bwrap".equals(mode)) {
            bwrap = Executables.find("bwrap").orElseThrow(() -> new CompileException(
                    "bubblewrap is not installed, and user programs are only compiled inside it: run "
                            + "`apt-get install bubblewrap`"));
        } else if (!"none".equals(mode)) {
            throw new CompileException("unknown jail mode '" + mode + "': use bwrap or none");
        }
        return new Jail(bwrap, realClang, versionOf(realClang));
    }

    /** {@code clang --version}'s output: the one call that tells which compiler a cached PCH must come from. */
    private static String versionOf(Path clang) throws CompileException {
        try {
            ProcessResult said = Command.of(clang.toString(), "--version").withStderrMerged()
                    .withTimeout(Duration.ofSeconds(20)).withOutputCap(4096).run();
            if (!said.succeeded() || said.output().isBlank()) {
                throw new CompileException(clang + " --version failed (exit " + said.exitCode() + "): "
                        + said.output().strip() + "; reinstall clang (`apt-get install --reinstall clang`)");
            }
            return said.output().strip();
        } catch (IOException e) {
            throw new CompileException("cannot run " + clang + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompileException("interrupted while asking " + clang + " for its version");
        }
    }

    public boolean isolated() {
        return bubblewrap != null;
    }

    /** Where the compiler sees the include directory / the source directory. */
    String includeDir(Path real) {
        return isolated() ? INCLUDE_DIR : real.toString();
    }

    String sourceDir(Path real) {
        return isolated() ? SOURCE_DIR : real.toString();
    }

    /** The argv that runs clang with {@code clangArgs}, seeing {@code includeDir} (read-only unless building it). */
    List<String> command(Path includeDir, boolean includeWritable, Path sourceDir, List<String> clangArgs) {
        List<String> argv = new ArrayList<>();
        if (isolated()) {
            // clang lives in /usr/lib/llvm-N/bin: its resource headers are in /usr/lib/llvm-N/lib/clang.
            Path llvmRoot = clang.getParent().getParent();
            argv.addAll(List.of(bubblewrap.toString(), "--unshare-all", "--die-with-parent", "--new-session",
                    "--clearenv", "--setenv", "PATH", "/usr/bin",
                    "--ro-bind", llvmRoot.toString(), llvmRoot.toString()));
            for (String libDir : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64")) {
                if (Files.isDirectory(Path.of(libDir))) {
                    argv.addAll(List.of("--ro-bind", libDir, libDir));
                }
            }
            argv.addAll(List.of("--symlink", "usr/lib64", "/lib64", "--symlink", "usr/lib", "/lib",
                    "--ro-bind", "/usr/include", "/usr/include",
                    includeWritable ? "--bind" : "--ro-bind", includeDir.toString(), INCLUDE_DIR,
                    "--tmpfs", "/tmp"));
            if (sourceDir != null) {
                argv.addAll(List.of("--bind", sourceDir.toString(), SOURCE_DIR, "--chdir", SOURCE_DIR));
            }
        }
        argv.add(clang.toString());
        argv.addAll(clangArgs);
        return argv;
    }

    /** What {@code clang --version} printed (version, target, install directory), read once when the jail was made. */
    String clangVersion() {
        return clangVersion;
    }
}
