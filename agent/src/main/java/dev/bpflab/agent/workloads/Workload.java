package dev.bpflab.agent.workloads;

import java.nio.file.Path;
import java.util.Map;

/**
 * A named action that makes the kernel fire, run by the agent with a fixed argv (never a user-supplied command).
 * Its name and description are the run contract's ({@link dev.bpflab.protocol.Workload}); this is what it does.
 */
public interface Workload {

    /** Which workload of the contract this is. */
    dev.bpflab.protocol.Workload kind();

    /** The catalog name a client sends, e.g. "unlink-file". */
    default String name() {
        return kind().wireName();
    }

    /** One line for buttons and the API, e.g. "rm a file: fires unlinkat". */
    default String description() {
        return kind().description();
    }

    /**
     * Runs the action once inside {@code scratch}, a directory that belongs to this run.
     * @return what was done, in words, e.g. "rm /tmp/bpflab-1/victim"
     */
    String run(Path scratch) throws WorkloadException;

    /**
     * Runs the action once, as {@link #run}, and also says what it made that a grader compares events with (a pod's
     * hostname and cgroup id, see {@link PodWorkload}); most workloads make nothing of the kind.
     */
    default Outcome perform(Path scratch) throws WorkloadException {
        return new Outcome(run(scratch), Map.of());
    }

    /** What was done, in words, and the facts of the run contract's workload answer (names and bounds there). */
    record Outcome(String detail, Map<String, Object> facts) {
    }
}
