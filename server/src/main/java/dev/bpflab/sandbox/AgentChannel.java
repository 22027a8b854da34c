package dev.bpflab.sandbox;

/**
 * A live connection to one guest agent that serves exactly one run. Messages are single JSON objects,
 * one per line: {@link dev.bpflab.protocol.AgentCommand}s in, {@link dev.bpflab.protocol.AgentMessage}s out
 * (docs/run-contract.md). What comes out is untrusted and decoded with {@link dev.bpflab.protocol.RunJson#agent}.
 * Closing the channel destroys the agent and whatever it had loaded (process or VM).
 */
public interface AgentChannel extends AutoCloseable {
    /**
     * The longest line an agent may write (a verifier log of 256 KiB, 512 map entries, an event of a large struct fit
     * well within it). A channel throws a longer line away unread and tells {@link AgentListener#onOversizeLine()}.
     */
    int MAX_LINE_BYTES = 4 << 20;

    /** Where the agent runs, for messages and metrics, e.g. "local pid 1234" or "qemu vm 7 (tcg)". */
    String describe();

    /** Starts delivering the agent's output. Called once; the listener is called from one reader thread. */
    void listen(AgentListener listener);

    /** Sends one JSON line to the agent. Throws if the agent is gone. */
    void send(String jsonLine) throws java.io.IOException;

    /** Kills the agent (and its VM). Idempotent. */
    @Override
    void close();

    /**
     * Ends this channel for a run that no longer needs it (stopped or replaced). A backend may give the sandbox to
     * another run when nothing was ever sent to its agent nor read from it; otherwise, and by default, the same as
     * {@link #close}.
     */
    default void release() {
        close();
    }
}
