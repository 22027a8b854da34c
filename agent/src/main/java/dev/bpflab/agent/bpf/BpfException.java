package dev.bpflab.agent.bpf;

/** Opening, configuring or attaching a BPF object failed; the message is meant for the learner. */
public class BpfException extends Exception {
    public BpfException(String message) {
        super(message);
    }
}
