package dev.bpflab.agent.workloads;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one program with a fixed argv, bounded in time, and reports failure with its output. */
final class Commands {
    private static final long TIMEOUT_SECONDS = 10;

    private Commands() {
    }

    static String run(Path workingDir, String... argv) throws WorkloadException {
        ProcessBuilder builder = new ProcessBuilder(List.of(argv)).directory(workingDir.toFile()).redirectErrorStream(true);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readNBytes(64 * 1024);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new WorkloadException(String.join(" ", argv) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            String text = new String(output, StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                throw new WorkloadException(String.join(" ", argv) + " failed (exit " + process.exitValue() + ")"
                        + (text.isEmpty() ? "" : ": " + text));
            }
            return text;
        } catch (IOException e) {
            throw new WorkloadException("could not start " + argv[0] + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkloadException(argv[0] + " was interrupted");
        }
    }
}
