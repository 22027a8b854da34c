package dev.bpflab.agent.workloads;

/** A workload could not do its action; the message is shown to the learner. */
public class WorkloadException extends Exception {
    public WorkloadException(String message) {
        super(message);
    }
}
