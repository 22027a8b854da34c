package dev.bpflab.support.process;

import dev.bpflab.support.threads.Daemons;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link Command} to completion within its timeout. Output is read on threads of its own while this one waits
 * with a deadline, so the limit holds even when a descendant keeps stdout open after the program exited; at the
 * deadline the whole {@link ProcessTree} is killed.
 */
public final class ProcessRunner {
    /** After a kill: how long to wait for the pipes to close so the last output is not lost. */
    private static final long DRAIN_AFTER_KILL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final File DEV_NULL = new File("/dev/null");

    private ProcessRunner() {
    }

    /**
     * Starts {@code command}, feeds its stdin, keeps up to the cap of each output stream, and waits until the program
     * has exited and its output streams are closed, or the timeout has passed: then the program and everything it
     * started are killed and the result says {@code timedOut}. Either way, whatever the program started and left
     * running (a background job that redirected its output) is killed before this returns: a command's processes
     * never outlive the call.
     *
     * @throws IOException if the program cannot be started
     * @throws InterruptedException if interrupted while waiting, after killing the tree
     */
    public static ProcessResult run(Command command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command.argv()).redirectErrorStream(command.mergeStderr());
        if (command.directory() != null) {
            builder.directory(command.directory().toFile());
        }
        builder.environment().putAll(command.environment());
        if (command.stdin() == null) {
            builder.redirectInput(DEV_NULL);
        }
        long started = System.nanoTime();
        long deadline = started + command.timeout().toNanos();
        ProcessTree tree = ProcessTree.start(builder);
        Process process = tree.process();
        String name = Path.of(command.argv().get(0)).getFileName() + "-" + process.pid();
        BoundedReader out = new BoundedReader(process.getInputStream(), command.outputCap(), name + "-out");
        BoundedReader err = command.mergeStderr() ? null
                : new BoundedReader(process.getErrorStream(), command.outputCap(), name + "-err");
        if (command.stdin() != null) {
            Daemons.start(() -> feed(process.getOutputStream(), command.stdin()), name + "-in");
        }
        boolean finished;
        try {
            finished = process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                    && out.awaitEnd(deadline) && (err == null || err.awaitEnd(deadline));
        } catch (InterruptedException e) {
            tree.kill();
            throw e;
        }
        // Also after a normal end: nothing the command started outlives it (a background child that redirected its
        // output, or one whose pipe the JDK closed when the program exited).
        tree.kill();
        if (!finished) {
            awaitAfterKill(process, out, err);
        }
        int exitCode = process.isAlive() ? -1 : process.exitValue();
        long discarded = out.discarded() + (err == null ? 0 : err.discarded());
        return new ProcessResult(exitCode, out.text(), err == null ? "" : err.text(), !finished, discarded > 0,
                discarded, Duration.ofNanos(System.nanoTime() - started));
    }

    /** Reaps the killed program and collects the output still in the pipes, briefly; the result is due now. */
    private static void awaitAfterKill(Process process, BoundedReader out, BoundedReader err) {
        long until = System.nanoTime() + DRAIN_AFTER_KILL_NANOS;
        try {
            process.waitFor(DRAIN_AFTER_KILL_NANOS, TimeUnit.NANOSECONDS);
            out.awaitEnd(until);
            if (err != null) {
                err.awaitEnd(until);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller sees the flag; the tree is already dead
        }
    }

    private static void feed(OutputStream stdin, byte[] bytes) {
        try (stdin) {
            stdin.write(bytes);
        } catch (IOException ignored) {
            // the program exited or closed its input without reading everything: its business
        }
    }
}
