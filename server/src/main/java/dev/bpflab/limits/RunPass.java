package dev.bpflab.limits;

import java.util.function.IntConsumer;

/**
 * One run's standing in its client's budgets ({@link ClientLimits#startRun}): it counts as queued from the press until
 * {@link #sandboxTaken}, and as live from {@link #awaitLiveSlot} admitting it until {@link #end}. Every method may be
 * called from any thread; {@link #end} is idempotent and undoes whatever the run still holds.
 */
public final class RunPass {
    enum Slot { NONE, WAITING, ADMITTED }

    final ClientLimits limits;
    final Client client;
    // Guarded by limits:
    boolean queued = true;
    boolean ended;
    Slot slot = Slot.NONE;
    IntConsumer position;
    Runnable admitted;
    int told;

    RunPass(ClientLimits limits, Client client) {
        this.limits = limits;
        this.client = client;
    }

    /**
     * Admits the run as soon as its client has fewer live runs than its caps allow: {@code admitted} runs then (on
     * this thread or on the thread that freed the slot) and should go on at once, e.g. hand work to an executor.
     * Meanwhile {@code position} is told the run's 1-based place among its client's waiting runs, as it changes. Runs
     * of other clients pass a waiting run: one client's waiting runs never hold up another's.
     */
    public void awaitLiveSlot(IntConsumer position, Runnable admitted) {
        limits.await(this, position, admitted);
    }

    /** The run holds a sandbox now: it no longer counts as queued. */
    public void sandboxTaken() {
        limits.sandboxTaken(this);
    }

    /** The run ended (or was replaced, stopped, refused): it leaves the queue and gives its live slot back. */
    public void end() {
        limits.end(this);
    }
}
