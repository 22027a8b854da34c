package dev.bpflab.agent.workloads;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Tries to rm a file named {@value #PROTECTED_NAME} (the LSM template's default protected name). Being denied is
 * the expected effect, not a failure: the detail says whether rm removed the file or got "Operation not permitted".
 */
final class UnlinkProtected implements Workload {
    static final String PROTECTED_NAME = "bpflab-protected.txt";
    private static final long TIMEOUT_SECONDS = 10;

    @Override
    public dev.bpflab.protocol.Workload kind() {
        return dev.bpflab.protocol.Workload.UNLINK_PROTECTED;
    }


    @Override
    public String run(Path scratch) throws WorkloadException {
        Path file = scratch.resolve(PROTECTED_NAME);
        try {
            if (!Files.exists(file)) {
                Files.writeString(file, "bpflab: try to remove me\n");
            }
        } catch (IOException e) {
            throw new WorkloadException("could not create " + file + ": " + e.getMessage());
        }
        List<String> argv = List.of("rm", "-f", file.toString());
        String command = String.join(" ", argv);
        try {
            Process process = new ProcessBuilder(argv).directory(scratch.toFile()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readNBytes(4096), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new WorkloadException(command + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() == 0) {
                return command + ": removed (nothing denied it)";
            }
            if (output.contains("Operation not permitted")) {
                return command + ": denied: " + output;
            }
            throw new WorkloadException(command + " failed (exit " + process.exitValue() + "): " + output);
        } catch (IOException e) {
            throw new WorkloadException("could not start rm: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkloadException("rm was interrupted");
        }
    }
}
