package dev.bpflab.agent.workloads;

import java.nio.file.Path;

/** A named action that makes the kernel fire, run by the agent with a fixed argv (never a user-supplied command). */
public interface Workload {

    /** The catalog name a client sends, e.g. "unlink-file". */
    String name();

    /** One line for buttons and the API, e.g. "rm a file: fires unlinkat". */
    String description();

    /**
     * Runs the action once inside {@code scratch}, a directory that belongs to this run.
     * @return what was done, in words, e.g. "rm /tmp/bpflab-1/victim"
     */
    String run(Path scratch) throws WorkloadException;
}
