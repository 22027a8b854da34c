package dev.bpflab.support.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One program to run to completion: an argv (never a shell string; the first element is the program, found on PATH
 * by the operating system when it has no slash), and how to run it. Immutable; each {@code with...} returns a copy.
 *
 * <pre>{@code
 * ProcessResult r = Command.of("ip", "link", "show").withTimeout(Duration.ofSeconds(10)).run();
 * }</pre>
 *
 * @param argv        the program and its arguments; not empty, no nulls
 * @param directory   working directory, or null for this process's own
 * @param environment variables set on top of this process's environment
 * @param stdin       bytes written to the program's standard input, which is then closed; null gives it /dev/null
 * @param timeout     wall-clock limit from start until the program has exited and closed its output; positive
 * @param outputCap   bytes kept of each of stdout and stderr, 0 to {@link #MAX_OUTPUT_CAP}; the rest is counted and
 *                    dropped
 * @param mergeStderr stderr goes into the same stream as stdout (in the order written); {@code stderr()} is then ""
 */
public record Command(List<String> argv, Path directory, Map<String, String> environment, byte[] stdin,
        Duration timeout, int outputCap, boolean mergeStderr) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_OUTPUT_CAP = 64 * 1024;
    public static final int MAX_OUTPUT_CAP = 64 * 1024 * 1024;

    public Command {
        argv = List.copyOf(argv);
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw new IllegalArgumentException("a command needs a program to run");
        }
        environment = Map.copyOf(environment);
        stdin = stdin == null ? null : stdin.clone();
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive, not " + timeout);
        }
        if (outputCap < 0 || outputCap > MAX_OUTPUT_CAP) {
            throw new IllegalArgumentException("the output cap must be 0.." + MAX_OUTPUT_CAP + " bytes, not " + outputCap);
        }
    }

    /** {@code argv} with the defaults: own working directory and environment, no input, 30 s, 64 KiB per stream. */
    public static Command of(List<String> argv) {
        return new Command(argv, null, Map.of(), null, DEFAULT_TIMEOUT, DEFAULT_OUTPUT_CAP, false);
    }

    public static Command of(String... argv) {
        return of(List.of(argv));
    }

    public Command inDirectory(Path dir) {
        return new Command(argv, dir, environment, stdin, timeout, outputCap, mergeStderr);
    }

    /** Adds (or replaces) these variables; earlier ones given here are kept. */
    public Command withEnvironment(Map<String, String> variables) {
        Map<String, String> merged = new HashMap<>(environment);
        merged.putAll(variables);
        return new Command(argv, directory, merged, stdin, timeout, outputCap, mergeStderr);
    }

    public Command withStdin(byte[] input) {
        return new Command(argv, directory, environment, input, timeout, outputCap, mergeStderr);
    }

    /** {@code input} as UTF-8. */
    public Command withStdin(String input) {
        return withStdin(input.getBytes(StandardCharsets.UTF_8));
    }

    public Command withTimeout(Duration limit) {
        return new Command(argv, directory, environment, stdin, limit, outputCap, mergeStderr);
    }

    public Command withOutputCap(int bytesPerStream) {
        return new Command(argv, directory, environment, stdin, timeout, bytesPerStream, mergeStderr);
    }

    public Command withStderrMerged() {
        return new Command(argv, directory, environment, stdin, timeout, outputCap, true);
    }

    /**
     * Runs the command; see {@link ProcessRunner#run(Command)}.
     * @throws IOException if the program cannot be started (missing, not executable, bad directory)
     * @throws InterruptedException if this thread is interrupted while waiting; the program and its descendants are
     *                              killed first
     */
    public ProcessResult run() throws IOException, InterruptedException {
        return ProcessRunner.run(this);
    }

    /** The argv joined by spaces, for messages: "rm -f /tmp/x". */
    public String display() {
        return String.join(" ", argv);
    }

    @Override
    public String toString() {
        return "Command[" + display() + (directory == null ? "" : " in " + directory) + ", timeout " + timeout + "]";
    }
}
