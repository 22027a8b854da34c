package dev.bpflab.agent.workloads;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Runs a coreutils program on a file in the run's scratch directory, so events carry a real command name
 * ("rm", "chmod") and the syscall a learner expects (coreutils use the *at variants: unlinkat, fchmodat, ...).
 */
final class FileWorkload implements Workload {
    static final String VICTIM = "victim.txt";

    private final dev.bpflab.protocol.Workload kind;
    private final boolean needsExistingFile;
    private final Function<Path, String[]> argv;

    FileWorkload(dev.bpflab.protocol.Workload kind, boolean needsExistingFile, Function<Path, String[]> argv) {
        this.kind = kind;
        this.needsExistingFile = needsExistingFile;
        this.argv = argv;
    }

    @Override
    public dev.bpflab.protocol.Workload kind() {
        return kind;
    }

    @Override
    public String run(Path scratch) throws WorkloadException {
        Path file = scratch.resolve(VICTIM);
        if (needsExistingFile && !Files.exists(file)) {
            try {
                Files.writeString(file, "bpflab was here\n");
            } catch (IOException e) {
                throw new WorkloadException("could not create " + file + ": " + e.getMessage());
            }
        }
        String[] command = argv.apply(file);
        Commands.run(scratch, command);
        return String.join(" ", command);
    }
}
