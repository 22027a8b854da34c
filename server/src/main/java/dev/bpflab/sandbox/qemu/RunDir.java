package dev.bpflab.sandbox.qemu;

import dev.bpflab.sandbox.SandboxException;
import dev.bpflab.support.process.ProcessTree;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The directory of this server's VMs (sockets, pidfiles, logs), held for as long as the backend lives: locked against
 * a second server, cleared of what a server that died there left, watched by the {@link Reaper}'s watchdog.
 */
final class RunDir implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RunDir.class);

    private final Path dir;
    private final FileChannel lockFile;
    private final Optional<ProcessTree> watchdog;

    private RunDir(Path dir, FileChannel lockFile, Optional<ProcessTree> watchdog) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.watchdog = watchdog;
    }

    /**
     * Takes {@code dir} (created if needed) for this server.
     *
     * @throws SandboxException the directory cannot be used, or another server holds it
     */
    static RunDir take(Path dir) throws SandboxException {
        Path path = dir.toAbsolutePath().normalize();
        FileChannel lockFile;
        try {
            Files.createDirectories(path);
            // Each VM's files are in a subdirectory QEMU's unprivileged user owns; it may pass through, not list.
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx--x--x"));
            lockFile = FileChannel.open(path.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new SandboxException("cannot use " + path + " for the VMs' sockets: " + e.getMessage()
                    + " (run bpflab as root, or set bpflab.qemu.run-dir)", e);
        }
        FileLock lock;
        try {
            lock = lockFile.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            closeQuietly(lockFile);
            throw new SandboxException("another bpflab server is using " + path + " for its VMs; give this one its "
                    + "own bpflab.qemu.run-dir");
        }
        try {
            int reaped = Reaper.reapLeftovers(path);
            if (reaped > 0) {
                LOG.warnf("killed %d QEMU process(es) left in %s by a server that did not shut down", reaped, path);
            }
            return new RunDir(path, lockFile, Optional.of(Reaper.startWatchdog(path)));
        } catch (IOException e) {
            closeQuietly(lockFile);
            throw new SandboxException("cannot clean up " + path + ": " + e.getMessage(), e);
        }
    }

    /** The directory, absolute. */
    Path path() {
        return dir;
    }

    /** Our QEMU processes alive in this directory now. */
    List<Long> qemuProcesses() {
        return Reaper.running(dir);
    }

    /** Fires the watchdog (it kills any VM still listed here) and releases the directory. */
    @Override
    public void close() {
        Reaper.stopWatchdog(watchdog);
        closeQuietly(lockFile);
    }

    private static void closeQuietly(FileChannel lockFile) {
        try {
            lockFile.close(); // releases the lock
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
