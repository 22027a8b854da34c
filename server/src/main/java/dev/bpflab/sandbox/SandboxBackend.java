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

    /**
     * As {@link #acquire(Object, IntConsumer)}, on {@code kernel} (a {@link Kernel#id()} of {@link #kernels()}; null:
     * the default, the first). The admission queue is one for all kernels: a VM is a VM whichever kernel it boots.
     *
     * @throws SandboxException {@code kernel} is none of this backend's (code {@code unknown-kernel}), or it could not
     *                          be prepared; the message says which kernels there are
     */
    default AgentChannel acquire(Object client, String kernel, IntConsumer queuePosition)
            throws SandboxException, InterruptedException {
        requireKernel(kernel);
        return acquire(client, queuePosition);
    }

    /**
     * The kernels this backend runs, the default first; never empty. A kernel whose image still builds is listed, with
     * its {@link Kernel#preparation()} saying so.
     */
    java.util.List<Kernel> kernels();

    /** The id of the kernel a run that names none gets. */
    default String defaultKernel() {
        return kernels().get(0).id();
    }

    /**
     * {@code kernel} itself, or the default kernel's id for null.
     *
     * @throws SandboxException code {@code unknown-kernel}: none of {@link #kernels()} has that id
     */
    default String requireKernel(String kernel) throws SandboxException {
        if (kernel == null) {
            return defaultKernel();
        }
        java.util.List<Kernel> known = kernels();
        if (known.stream().noneMatch(k -> k.id().equals(kernel))) {
            java.util.List<String> ids = known.stream().map(Kernel::id).toList();
            throw new SandboxException(dev.bpflab.protocol.ErrorCode.UNKNOWN_KERNEL, "this lab has no kernel '" + kernel
                    + "': choose one of " + ids + " (GET /api/kernels lists them)",
                    java.util.Map.of("kernel", kernel, "choices", String.join(", ", ids)));
        }
        return kernel;
    }

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
     * As {@link #targetKernel()}, for {@code kernel} (null: the default): its headers and the toolchain programs for
     * it are compiled with.
     *
     * @throws SandboxException as {@link #acquire(Object, String, IntConsumer)}
     */
    default TargetKernel targetKernel(String kernel) throws SandboxException, InterruptedException {
        requireKernel(kernel);
        return targetKernel();
    }

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

    /** As {@link #preparation()}, for {@code kernel} (null: the default); {@link Preparation#READY} for one it lacks. */
    default Preparation preparation(String kernel) {
        return kernels().stream().filter(k -> k.id().equals(kernel == null ? defaultKernel() : kernel)).findFirst()
                .map(Kernel::preparation).orElse(Preparation.READY);
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
