package dev.bpflab.agent.workloads;

import dev.bpflab.support.process.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tries to rm a file named {@value #PROTECTED_NAME} (the LSM template's default protected name). Being denied is
 * the expected effect, not a failure: the detail says whether rm removed the file or got "Operation not permitted".
 */
final class UnlinkProtected implements Workload {
    static final String PROTECTED_NAME = "bpflab-protected.txt";

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
        String[] argv = {"rm", "-f", file.toString()};
        String command = String.join(" ", argv);
        ProcessResult result = Commands.result(scratch, argv);
        String output = result.stdout().strip();
        if (result.exitCode() == 0) {
            return command + ": removed (nothing denied it)";
        }
        if (output.contains("Operation not permitted")) {
            return command + ": denied: " + output;
        }
        throw new WorkloadException(command + " failed (exit " + result.exitCode() + "): " + output);
    }
}
