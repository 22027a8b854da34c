package dev.bpflab.agent.workloads;

import dev.bpflab.support.process.Command;
import dev.bpflab.support.process.ProcessResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** Runs one program of a workload with a fixed argv, bounded in time and output, and reports failure with its output. */
final class Commands {
    static final Duration TIME_LIMIT = Duration.ofSeconds(10);
    private static final int MAX_OUTPUT = 64 * 1024;

    private Commands() {
    }

    /**
     * Runs {@code argv} in {@code workingDir}.
     * @return its output (stdout and stderr as written), stripped
     * @throws WorkloadException if it cannot start, does not finish within {@link #TIME_LIMIT} or exits non-zero
     */
    static String run(Path workingDir, String... argv) throws WorkloadException {
        ProcessResult result = result(workingDir, argv);
        String output = result.stdout().strip();
        if (result.exitCode() != 0) {
            throw new WorkloadException(String.join(" ", argv) + " failed (exit " + result.exitCode() + ")"
                    + (output.isEmpty() ? "" : ": " + output));
        }
        return output;
    }

    /**
     * Runs {@code argv} in {@code workingDir}, whatever its exit status; stdout holds stderr too.
     * @throws WorkloadException if it cannot start or does not finish within {@link #TIME_LIMIT}
     */
    static ProcessResult result(Path workingDir, String... argv) throws WorkloadException {
        return resultOf(Command.of(argv).inDirectory(workingDir), argv);
    }

    /**
     * Runs {@code argv} in {@code workingDir} with {@code stdin} as its input, whatever its exit status.
     * @throws WorkloadException if it cannot start or does not finish within {@link #TIME_LIMIT}
     */
    static ProcessResult resultWithStdin(Path workingDir, String stdin, String... argv) throws WorkloadException {
        return resultOf(Command.of(argv).inDirectory(workingDir).withStdin(stdin), argv);
    }

    private static ProcessResult resultOf(Command base, String... argv) throws WorkloadException {
        Command command = base.withStderrMerged().withTimeout(TIME_LIMIT).withOutputCap(MAX_OUTPUT);
        try {
            ProcessResult result = command.run();
            if (result.timedOut()) {
                throw new WorkloadException(command.display() + " did not finish within " + TIME_LIMIT.toSeconds()
                        + " s and was stopped");
            }
            return result;
        } catch (IOException e) {
            throw new WorkloadException("could not start " + argv[0] + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkloadException(argv[0] + " was interrupted");
        }
    }
}
