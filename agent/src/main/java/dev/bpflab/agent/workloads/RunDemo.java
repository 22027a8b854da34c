package dev.bpflab.agent.workloads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Runs the demo program {@value #PROGRAM} (server/src/main/guest/bpflab-demo.c) for {@value #ROUNDS} rounds with the
 * name {@value #NAME}: round r calls {@code greet("bpflab", r)} and {@code square(r)} and fires the USDT probe
 * {@code bpflab:round}, so uprobes, uretprobes and usdt programs on it fire a known number of times with known
 * arguments.
 */
final class RunDemo implements Workload {
    /** Where the guest image and, on a host running the local backend, bin/install-deps put it; templates name it. */
    static final String PROGRAM = "/usr/local/bin/bpflab-demo";
    static final int ROUNDS = 3;
    static final String NAME = "bpflab";

    @Override
    public dev.bpflab.protocol.Workload kind() {
        return dev.bpflab.protocol.Workload.RUN_DEMO;
    }

    /** @return the command and what it printed, one round per line joined with "; " */
    @Override
    public String run(Path scratch) throws WorkloadException {
        if (!Files.isExecutable(Path.of(PROGRAM))) {
            throw new WorkloadException(PROGRAM + " is not installed on this machine: the guest image has it; "
                    + "for the local backend, bin/install-deps builds it");
        }
        String[] argv = {PROGRAM, Integer.toString(ROUNDS), NAME};
        String output = Commands.run(scratch, argv);
        return String.join(" ", argv) + ": " + output.lines().collect(Collectors.joining("; "));
    }
}
