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
}
