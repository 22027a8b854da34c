package dev.bpflab.sandbox;

/** Receives what one agent says. Implementations must not block for long: they run on the reader thread. */
public interface AgentListener {

    /** One JSON line the agent wrote. */
    void onLine(String jsonLine);

    /** The agent wrote a line longer than the channel's bound; it was thrown away unread. */
    default void onOversizeLine() {
    }

    /** The agent is gone; {@code reason} says why in words a learner can act on (exit status, panic, ...). */
    void onExit(String reason);

    /**
     * The agent is gone because its sandbox was taken back for a client holding fewer ({@code AdmissionQueue});
     * {@code why} is said to the learner as it is. By default, an exit.
     */
    default void onReclaimed(String why) {
        onExit(why);
    }
}
