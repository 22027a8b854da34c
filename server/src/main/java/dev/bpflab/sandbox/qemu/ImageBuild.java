package dev.bpflab.sandbox.qemu;

import dev.bpflab.protocol.PreparationStage;
import dev.bpflab.sandbox.SandboxException;
import dev.bpflab.support.process.MarkedProcesses;
import dev.bpflab.support.process.ProcessTree;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Runs {@code build-image.sh} for a guest directory so that the build never outlives the server that wants the image.
 * The first build on a host downloads Debian packages and runs mmdebstrap for minutes; a server stopped meanwhile
 * must not leave it running.
 * <ul>
 * <li>The script runs in a session (and process group) of its own under a small guard shell. The guard's watcher
 * holds a pipe from this JVM; when the pipe closes ({@link #cancel}, or the JVM dies however it dies) it kills the
 * whole group. The script itself runs mmdebstrap in a mount namespace of its own, so the mounts of a killed build go
 * with it.</li>
 * <li>Every process of the build carries {@value #MARKER}=GUEST_DIR in its environment, even one that left the
 * group. While this server builds it holds {@code GUEST_DIR/.build-owner} locked; a marked process found while
 * holding that lock was left by a server that died with its guard, and is killed before the next build starts.</li>
 * </ul>
 * A killed build never leaves anything the script would trust: it builds in {@code .tmp} directories, renames them
 * when complete and removes stale ones when it runs again.
 *
 * <p>Not a {@link dev.bpflab.support.process.Command}: the build runs for up to 30 minutes into a log file, and its
 * guard must act even when this JVM dies, which a Command's timeout cannot. The guard is started as a
 * {@link ProcessTree}, which a stop kills as well, on top of the process group and the marker.
 */
final class ImageBuild {
    /** The environment variable marking a process as part of a build into the guest directory it names. */
    static final String MARKER = "BPFLAB_IMAGE_BUILD";
    private static final Logger LOG = Logger.getLogger(ImageBuild.class);
    private static final long LIMIT_MINUTES = 30;
    private static final long KILL_WAIT_MILLIS = 10_000;
    /** How often the log is read for the build's progress lines ({@link BuildProgress}). */
    private static final long PROGRESS_MILLIS = 500;
    /** Two backends in one JVM (tests) would trip over each other's file lock; they take turns here first. */
    private static final ReentrantLock IN_PROCESS = new ReentrantLock();
    /** $@: the build command. Its stdin is this JVM's pipe; end of input kills the build's process group. */
    private static final String GUARD = """
            exec 3<&0 </dev/null
            setsid "$@" 3<&- &
            build=$!
            { trap '' HUP INT TERM; while read -r _; do :; done; kill -9 -"$build" 2>/dev/null; } <&3 &
            watcher=$!
            exec 3<&-
            wait "$build"
            status=$?
            kill -9 "$watcher" 2>/dev/null
            exit "$status"
            """;

    private final Path script;
    private final Path guestDir;
    private final Path agentDir;
    private final String kernel;
    private final Path log;
    private ProcessTree guard; // guarded by this
    private boolean cancelled; // guarded by this

    /** {@code log} receives the script's output; {@code guestDir} is its OUT_DIR for {@code kernel} (its --kernel). */
    ImageBuild(Path script, Path guestDir, Path agentDir, String kernel, Path log) {
        this.kernel = kernel;
        this.script = script.toAbsolutePath().normalize();
        this.guestDir = guestDir.toAbsolutePath().normalize();
        this.agentDir = agentDir.toAbsolutePath().normalize();
        this.log = log;
    }

    /**
     * Builds the image, or finds it up to date, and returns the script's last line. Waits while another server builds
     * into the same directory. {@code stages} hears each stage the build says it entered (none when the image is up to
     * date), on this thread. Whenever this returns or throws, no process of the build is left.
     *
     * @throws SandboxException the script failed (its last line and the log's path say why), took longer than 30
     *                          minutes, or the build was cancelled
     */
    String run(Consumer<PreparationStage> stages) throws SandboxException, InterruptedException {
        IN_PROCESS.lockInterruptibly();
        try {
            Files.createDirectories(guestDir);
            try (FileChannel owner = FileChannel.open(guestDir.resolve(".build-owner"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock held = owner.lock()) {
                int left = killAll();
                if (left > 0) {
                    LOG.warnf("killed %d process(es) of an image build in %s left by a server that stopped", left,
                            guestDir);
                }
                return runScript(stages);
            }
        } catch (FileLockInterruptionException | ClosedByInterruptException e) {
            throw new InterruptedException("interrupted while another server builds the guest image in " + guestDir);
        } catch (IOException e) {
            throw new SandboxException("cannot run " + script + ": " + e.getMessage(), e);
        } finally {
            IN_PROCESS.unlock();
        }
    }

    private String runScript(Consumer<PreparationStage> stages)
            throws SandboxException, IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", GUARD, "bpflab-image-build", "bash",
                script.toString(), "--kernel", kernel, guestDir.toString(), agentDir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put(MARKER, guestDir.toAbsolutePath().normalize().toString());
        Process started;
        synchronized (this) {
            if (cancelled) {
                throw new SandboxException("the image build was cancelled");
            }
            guard = ProcessTree.start(builder);
            started = guard.process();
        }
        try {
            BuildProgress progress = new BuildProgress(log, stages);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(LIMIT_MINUTES);
            while (!started.waitFor(PROGRESS_MILLIS, TimeUnit.MILLISECONDS)) {
                progress.poll();
                if (System.nanoTime() - deadline > 0) {
                    throw new SandboxException("building the guest image took more than " + LIMIT_MINUTES
                            + " minutes (log: " + log + ")");
                }
            }
            progress.poll(); // a stage said just before the end
            synchronized (this) {
                if (cancelled) {
                    throw new SandboxException("the image build was cancelled");
                }
            }
            List<String> output = Files.readAllLines(log, StandardCharsets.UTF_8);
            String last = output.isEmpty() ? "" : output.get(output.size() - 1);
            if (started.exitValue() != 0) {
                throw new SandboxException("building the guest image failed: " + last + " (log: " + log + ")");
            }
            return last;
        } finally {
            synchronized (this) {
                stop();
                guard = null;
            }
        }
    }

    /**
     * Kills a running build, its whole process tree, and waits until it is gone (at most some seconds); {@link #run}
     * then throws. A build that has not started yet will not start. Safe to call from any thread, more than once.
     */
    synchronized void cancel() {
        cancelled = true;
        if (guard != null) {
            stop(); // guard is set only while run() holds the owner lock: nobody else's build is killed
        }
    }

    /**
     * Ends the guard's pipe (its watcher kills the build's group), then kills whatever of the build is left: the
     * guard's process tree, then any process with the build's marker.
     */
    private void stop() {
        boolean interrupted = Thread.interrupted(); // cleaning up must not be cut short by an interrupt
        try {
            guard.process().getOutputStream().close();
        } catch (IOException ignored) {
            // the guard is gone already
        }
        try {
            guard.process().waitFor(KILL_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            guard.kill();
            int left = killAll();
            if (left > 0) {
                LOG.warnf("killed %d process(es) of the image build that outlived its process group", left);
            }
            if (!processes(guestDir).isEmpty()) {
                LOG.errorf("processes of the image build in %s would not die: %s", guestDir, processes(guestDir));
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Processes building into {@code guestDir} now: those whose environment has the marker for it. */
    static Set<ProcessHandle> processes(Path guestDir) {
        return MarkedProcesses.carrying(MARKER + "=" + guestDir.toAbsolutePath().normalize());
    }

    /** SIGKILLs the build's processes, again for any that appear meanwhile (a fork), until none is left. */
    private int killAll() {
        return MarkedProcesses.killUntilGone(() -> processes(guestDir), Duration.ofMillis(KILL_WAIT_MILLIS));
    }
}
