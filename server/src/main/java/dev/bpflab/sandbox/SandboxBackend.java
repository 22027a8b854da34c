package dev.bpflab.sandbox;

import dev.bpflab.compiler.TargetKernel;
import java.util.function.IntConsumer;

/**
 * Where runs execute. One implementation per isolation technique, chosen by {@code bpflab.sandbox.backend}
 * ({@code local}: a child process on this host; {@code qemu}: a disposable VM). Every acquired channel is fresh
 * and is never handed to a second run.
 */
public interface SandboxBackend extends AutoCloseable {

    /** The configuration name: "local", "qemu". */
    String name();

    /**
     * Waits for a fresh agent that has said it is ready. While the caller waits behind others,
     * {@code queuePosition} is told its 1-based place in the queue (0 when it is being served). Waiting runs are served
     * fewest-held first ({@link AdmissionQueue}): {@code client} says whose run this is (equal values are one client);
     * null for a client of its own.
     */
    AgentChannel acquire(Object client, IntConsumer queuePosition) throws SandboxException, InterruptedException;

    /** {@link #acquire(Object, IntConsumer)} for a caller that is a client of its own. */
    default AgentChannel acquire(IntConsumer queuePosition) throws SandboxException, InterruptedException {
        return acquire(null, queuePosition);
    }

    /**
     * The kernel this backend's sandboxes run, which programs are compiled for (on this host, before a sandbox is
     * taken). Waits, like {@link #acquire}, while a VM backend still prepares its image.
     *
     * @throws SandboxException the backend could not start; the message says why
     */
    TargetKernel targetKernel() throws SandboxException, InterruptedException;

    /**
     * Waits until the backend can hand out sandboxes without first building or booting anything (a VM backend's
     * image and snapshot). Backends that are ready at once return at once.
     */
    default void awaitReady(java.time.Duration timeout) throws SandboxException, InterruptedException {
    }

    /**
     * What the backend does before its first sandbox, and how far it is (the page and waiting runs are told). Ready at
     * once unless a backend says otherwise.
     */
    default Preparation preparation() {
        return Preparation.READY;
    }

    /** False when the backend could not start; {@link #status()} then says why. */
    default boolean available() {
        return true;
    }

    /** A one-line status for health checks and the README: what the backend is using and how many are live. */
    String status();

    /**
     * Sandboxes right now: {@code live} runs hold one (of at most {@code capacity}), {@code waiting} runs wait in the
     * admission queue for one, {@code pooled} are prepared ahead (paused VMs, warm agents).
     */
    record Load(int live, int capacity, int waiting, int pooled) {
    }

    /** How loaded the backend is now; cheap, for health checks and tests. */
    Load load();

    @Override
    default void close() {
    }
}
