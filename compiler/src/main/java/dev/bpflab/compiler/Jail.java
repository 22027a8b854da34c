package dev.bpflab.compiler;

import dev.bpflab.support.process.Command;
import dev.bpflab.support.system.EffectiveUser;
import dev.bpflab.support.process.Executables;
import dev.bpflab.support.process.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs clang on a learner's source, on the host, where it can do as little as possible:
 * <ul>
 * <li>as an unprivileged user of its own (uid {@value #JAIL_UID}, when the server runs as root: none of the VMs' uids,
 * so that compiles neither share a process limit nor anything else with the VMs) inside a user
 * namespace of its own, with every other namespace unshared too (no network, no other processes, no IPC);</li>
 * <li>seeing only clang's install, the system headers, the target kernel's headers (read-only) and its own work
 * directory: include filters can be bypassed (%:include, trigraphs, line splices, /proc/self/root, .incbin), a
 * filesystem view without the files cannot;</li>
 * <li>under resource limits ({@link CompileLimits}): address space, CPU time, file size, processes; the wall-clock
 * limit is the caller's timeout.</li>
 * </ul>
 * Inside the jail the headers are at {@value #INCLUDE_DIR} and the source at {@value #SOURCE_DIR}. bpftool, which
 * cuts the target kernel's BTF down to what an object's CO-RE relocations use, runs in the same jail.
 * The toolchain is this host's ({@link #create(CompileLimits)}: its clang's LLVM install, libraries and
 * {@code /usr/include}) or a guest distribution's ({@link #forToolchain}: a root filesystem whose {@code /usr} becomes
 * the jail's, so Debian 13's clang 19 and libbpf 1.5 headers compile for Debian 13's kernel on a Debian 12 host).
 * Needs bubblewrap, and util-linux's prlimit and setpriv.
 */
public final class Jail {
    static final String INCLUDE_DIR = "/bpflab/include";
    static final String SOURCE_DIR = "/src";
    /** A uid no account has (Debian leaves 60000-64999 to packages that create users on demand). */
    static final int JAIL_UID = 64999;
    /**
     * Compiles yield the CPU to the VMs of live runs (nice 0): a learner waiting for events matters more than a
     * compile, and a client that keeps sending new programs then slows its own compiles rather than everyone's runs.
     */
    static final int NICE = 10;

    private final Path bubblewrap;
    private final Path nice;
    private final Path prlimit;
    private final Path setpriv; // null: this process is not root, so clang already runs unprivileged
    /** A guest distribution's root whose /usr is the jail's, or null: this host's toolchain. */
    private final Path toolchain;
    private final Path clang; // as the jail sees it (the same path on the host, for this host's toolchain)
    private final Path bpftool; // null: not installed, programs go without a minimal CO-RE BTF
    private final Path objdump; // null: not installed, no instruction listing
    private final Path objcopy; // null: not installed, objects keep their DWARF
    private final String clangVersion;
    private final CompileLimits limits;

    private Jail(Path bubblewrap, Path nice, Path prlimit, Path setpriv, Path toolchain, Path clang, Path bpftool,
            Path objdump, Path objcopy, String clangVersion, CompileLimits limits) {
        this.objcopy = objcopy;
        this.bubblewrap = bubblewrap;
        this.nice = nice;
        this.prlimit = prlimit;
        this.setpriv = setpriv;
        this.toolchain = toolchain;
        this.clang = clang;
        this.bpftool = bpftool;
        this.objdump = objdump;
        this.clangVersion = clangVersion;
        this.limits = limits;
    }

    /** A jail for the clang on PATH. */
    public static Jail create(CompileLimits limits) throws CompileException {
        Path clang = Executables.find("clang").orElseThrow(() -> new CompileException(
                "clang is not installed: run `apt-get install clang llvm` (Debian) and try again"));
        return create(clang, limits);
    }

    /** A jail for the clang at {@code clang} (a path or a link to it). */
    static Jail create(Path clang, CompileLimits limits) throws CompileException {
        Path realClang;
        try {
            realClang = clang.toRealPath();
        } catch (IOException e) {
            throw new CompileException("cannot resolve " + clang + ": " + e.getMessage());
        }
        Path bpftool = null;
        try {
            Path found = Executables.find("bpftool").orElse(null);
            bpftool = found == null ? null : found.toRealPath();
        } catch (IOException e) {
            // a dangling link: as if not installed
        }
        // clang's own llvm-objdump and llvm-objcopy, from the same LLVM install
        Path objdump = realClang.getParent().resolve("llvm-objdump");
        Path objcopy = realClang.getParent().resolve("llvm-objcopy");
        Jail unversioned = tools(limits, null, realClang, bpftool, Files.isExecutable(objdump) ? objdump : null,
                Files.isExecutable(objcopy) ? objcopy : null, "");
        return unversioned.withVersion(versionOf(unversioned, List.of(realClang.toString(), "--version"), realClang
                + " --version"));
    }

    /**
     * A jail that runs the toolchain of a guest distribution: {@code root}'s {@code /usr} (an image's
     * {@code toolchain/}, where {@code build-image.sh} installed the suite's clang, llvm and bpftool) is the jail's
     * {@code /usr}. clang's version is asked in the jail, as compiles will run it.
     *
     * @throws CompileException the root has no {@code /usr/bin/clang}, or it does not run there
     */
    public static Jail forToolchain(Path root, CompileLimits limits) throws CompileException {
        Path usr = root.resolve("usr");
        if (!Files.isRegularFile(usr.resolve("bin/clang"))) { // follows the links, which are relative inside /usr
            throw new CompileException("the toolchain in " + root + " has no clang (usr/bin/clang): rebuild the guest "
                    + "image with server/src/main/guest/build-image.sh");
        }
        Path bpftool = Files.isRegularFile(usr.resolve("sbin/bpftool")) ? Path.of("/usr/sbin/bpftool") : null;
        Path objdump = Files.isRegularFile(usr.resolve("bin/llvm-objdump")) ? Path.of("/usr/bin/llvm-objdump") : null;
        Path objcopy = Files.isRegularFile(usr.resolve("bin/llvm-objcopy")) ? Path.of("/usr/bin/llvm-objcopy") : null;
        Jail unversioned = tools(limits, root, Path.of("/usr/bin/clang"), bpftool, objdump, objcopy, "");
        return unversioned.withVersion(versionOf(unversioned, unversioned.jailed(null, null, unversioned.clang,
                unversioned.clang, List.of("--version")), "clang --version in " + root));
    }

    /** The jail's tools with this host's bubblewrap, nice, prlimit and (as root) setpriv. */
    private static Jail tools(CompileLimits limits, Path toolchain, Path clang, Path bpftool, Path objdump,
            Path objcopy, String version) throws CompileException {
        Path bwrap = Executables.find("bwrap").orElseThrow(() -> new CompileException(
                "bubblewrap is not installed, and learners' programs are only compiled inside it: run "
                        + "`apt-get install bubblewrap`"));
        Path nice = Executables.find("nice").orElseThrow(() -> new CompileException(
                "nice is missing (compiles run below live runs' priority): run `apt-get install coreutils`"));
        Path prlimit = Executables.find("prlimit").orElseThrow(() -> new CompileException(
                "prlimit is missing (it limits the compiler's memory and time): run `apt-get install util-linux`"));
        Path setpriv = null;
        if (EffectiveUser.isRoot()) {
            setpriv = Executables.find("setpriv").orElseThrow(() -> new CompileException(
                    "setpriv is missing (it runs the compiler as an unprivileged user): run `apt-get install util-linux`"));
        }
        return new Jail(bwrap, nice, prlimit, setpriv, toolchain, clang, bpftool, objdump, objcopy, version, limits);
    }

    private Jail withVersion(String version) {
        return new Jail(bubblewrap, nice, prlimit, setpriv, toolchain, clang, bpftool, objdump, objcopy, version,
                limits);
    }

    /**
     * {@code clang --version}'s output (run by {@code argv}): the one call that tells which compiler a cached PCH or
     * object came from.
     */
    private static String versionOf(Jail jail, List<String> argv, String what) throws CompileException {
        try {
            ProcessResult said = Command.of(argv).withStderrMerged().withTimeout(Duration.ofSeconds(20))
                    .withOutputCap(4096).run();
            if (!said.succeeded() || said.output().isBlank()) {
                throw new CompileException(what + " failed (exit " + said.exitCode() + "): " + said.output().strip()
                        + (jail.toolchain == null ? "; reinstall clang (`apt-get install --reinstall clang`)"
                        : "; rebuild the guest image with server/src/main/guest/build-image.sh"));
            }
            return said.output().strip();
        } catch (IOException e) {
            throw new CompileException("cannot run " + what + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompileException("interrupted while asking for " + what);
        }
    }

    /**
     * Checks that the jail's user can reach {@code dir} (every directory above it searchable by others): bubblewrap
     * mounts the headers and the work directories from there as that user.
     *
     * @throws CompileException naming the directory that stops it, and what to do
     */
    static void checkReachable(Path dir) throws CompileException {
        if (!EffectiveUser.isRoot()) {
            return; // clang runs as this user, who made the directory
        }
        for (Path at = dir.toAbsolutePath().getParent(); at != null; at = at.getParent()) {
            try {
                if (Files.exists(at) && !Files.getPosixFilePermissions(at).contains(
                        java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new CompileException("the compiler runs as the unprivileged uid " + JAIL_UID + ", which cannot "
                            + "enter " + at + " on the way to " + dir + ": run `chmod o+x " + at
                            + "`, or set bpflab.cache-dir to a directory under /var/cache");
                }
            } catch (IOException e) {
                throw new CompileException("cannot check " + at + ": " + e.getMessage());
            }
        }
    }

    /**
     * A fresh directory under {@code parent} that clang in the jail may write to (owned by uid {@value #JAIL_UID}
     * when this process is root), and no one else but this process can list.
     */
    Path newWorkDir(Path parent) throws IOException {
        Files.createDirectories(parent);
        Path dir = Files.createTempDirectory(parent, "compile-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (setpriv != null) {
            Files.setAttribute(dir, "unix:uid", JAIL_UID);
            Files.setAttribute(dir, "unix:gid", JAIL_UID);
        }
        return dir;
    }

    /**
     * The argv that runs clang with {@code clangArgs}: limits, then the unprivileged user, then the namespaces, then
     * clang. {@code includeDir} is mounted read-only at {@value #INCLUDE_DIR}, {@code workDir} read-write at
     * {@value #SOURCE_DIR} (the working directory).
     */
    List<String> command(Path includeDir, Path workDir, List<String> clangArgs) {
        // clang lives in /usr/lib/llvm-N/bin: its resource headers are in /usr/lib/llvm-N/lib/clang.
        Path llvmRoot = clang.getParent().getParent();
        return jailed(includeDir, workDir, llvmRoot, clang, clangArgs);
    }

    /** The toolchain root whose /usr the jail uses, or null for this host's toolchain. */
    Path toolchain() {
        return toolchain;
    }

    /**
     * The argv that runs bpftool with {@code bpftoolArgs} in the same jail as clang (it reads what clang wrote, which
     * a learner's source shaped), or null when bpftool is not installed.
     */
    List<String> bpftoolCommand(Path includeDir, Path workDir, List<String> bpftoolArgs) {
        return bpftool == null ? null : jailed(includeDir, workDir, bpftool, bpftool, bpftoolArgs);
    }

    /**
     * The argv that runs llvm-objdump (clang's own, from the same LLVM install) with {@code args} in the same jail as
     * clang (it reads the object a learner's source shaped), or null when that install has none.
     */
    List<String> objdumpCommand(Path includeDir, Path workDir, List<String> args) {
        return objdump == null ? null : jailed(includeDir, workDir, clang.getParent().getParent(), objdump, args);
    }

    /**
     * The argv that runs llvm-objcopy (the toolchain's) with {@code args} in the same jail as clang, or null when the
     * toolchain has none.
     */
    List<String> objcopyCommand(Path includeDir, Path workDir, List<String> args) {
        return objcopy == null ? null : jailed(includeDir, workDir, clang.getParent().getParent(), objcopy, args);
    }

    boolean hasBpftool() {
        return bpftool != null;
    }

    /**
     * priority → limits → unprivileged user → namespaces → {@code executable}, with {@code install} (a file or
     * directory) visible; with a toolchain root, its whole {@code /usr} instead. {@code includeDir} null: no headers;
     * {@code workDir} null: an empty {@value #SOURCE_DIR} (asking clang its version).
     */
    private List<String> jailed(Path includeDir, Path workDir, Path install, Path executable, List<String> args) {
        List<String> argv = new ArrayList<>(List.of(nice.toString(), "-n", String.valueOf(NICE), prlimit.toString(),
                "--as=" + limits.memoryBytes(), "--cpu=" + limits.cpu().toSeconds(),
                "--fsize=" + limits.objectBytes(), "--core=0"));
        if (setpriv != null) {
            // RLIMIT_NPROC counts every process (and thread) of the real user: meaningful for the jail's own uid,
            // which only compiles use, while a developer's own account (not root) has more than a compile should.
            argv.addAll(List.of("--nproc=" + limits.processes(), "--"));
            argv.addAll(List.of(setpriv.toString(), "--reuid=" + JAIL_UID, "--regid=" + JAIL_UID, "--clear-groups",
                    "--inh-caps=-all", "--"));
        } else {
            argv.add("--");
        }
        argv.addAll(List.of(bubblewrap.toString(), "--unshare-all", "--die-with-parent", "--new-session",
                "--cap-drop", "ALL", "--clearenv", "--setenv", "PATH", "/usr/bin"));
        if (toolchain != null) {
            // A merged-/usr Debian root: everything the toolchain runs and includes is under its /usr.
            argv.addAll(List.of("--ro-bind", toolchain.resolve("usr").toString(), "/usr",
                    "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin"));
        } else {
            argv.addAll(List.of("--ro-bind", install.toString(), install.toString()));
            for (String libDir : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64")) {
                if (Files.isDirectory(Path.of(libDir))) {
                    argv.addAll(List.of("--ro-bind", libDir, libDir));
                }
            }
            argv.addAll(List.of("--ro-bind", "/usr/include", "/usr/include"));
        }
        argv.addAll(List.of("--symlink", "usr/lib64", "/lib64", "--symlink", "usr/lib", "/lib", "--tmpfs", "/tmp"));
        if (includeDir != null) {
            argv.addAll(List.of("--ro-bind", includeDir.toString(), INCLUDE_DIR));
        }
        if (workDir != null) {
            argv.addAll(List.of("--bind", workDir.toString(), SOURCE_DIR));
        } else {
            argv.addAll(List.of("--dir", SOURCE_DIR));
        }
        argv.addAll(List.of("--chdir", SOURCE_DIR));
        argv.add(executable.toString());
        argv.addAll(args);
        return argv;
    }

    /** What {@code clang --version} printed (version, target, install directory), read once when the jail was made. */
    String clangVersion() {
        return clangVersion;
    }

    CompileLimits limits() {
        return limits;
    }
}
