package dev.bpflab.testing;

import dev.bpflab.compiler.TargetKernel;
import dev.bpflab.protocol.PreparationStage;
import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.sandbox.Preparation;
import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.sandbox.SandboxException;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.IntConsumer;

/**
 * A backend that prepares for as long as a test says, then is {@code ready}'s backend: its stages are the test's to
 * move ({@link #enter}), and it keeps the promise a preparing backend makes (the qemu one): {@link #targetKernel} and
 * {@link #acquire} wait until it is ready, and fail with the preparation's problem if it failed. So a test drives what
 * the page and a waiting run are told without building an image.
 */
public final class PreparingBackend implements SandboxBackend {
    private final SandboxBackend ready;
    private final Preparation preparation;
    private final CompletableFuture<Void> prepared = new CompletableFuture<>();

    public PreparingBackend(SandboxBackend ready, PreparationStage first) {
        this.ready = ready;
        this.preparation = new Preparation(InstantSource.system(), first);
    }

    public void enter(PreparationStage stage) {
        preparation.enter(stage);
    }

    /** Prepared: waiting runs go on (after they were told, as a real backend does it). */
    public void ready() {
        preparation.ready();
        prepared.complete(null);
    }

    /** Preparing failed with {@code cause}; waiting and later runs get the preparation's problem. */
    public void fail(String cause) {
        prepared.completeExceptionally(new SandboxException(preparation.fail(cause)));
    }

    @Override
    public Preparation preparation() {
        return preparation;
    }

    @Override
    public String name() {
        return ready.name();
    }

    /** The ready backend's kernels, all preparing as this backend does. */
    @Override
    public java.util.List<dev.bpflab.sandbox.Kernel> kernels() {
        return ready.kernels().stream().map(k -> new dev.bpflab.sandbox.Kernel(k.id(), k.name(), k.release(),
                k.toolchain(), preparation)).toList();
    }

    @Override
    public AgentChannel acquire(Object client, IntConsumer queuePosition) throws SandboxException, InterruptedException {
        awaitPrepared();
        return ready.acquire(client, queuePosition);
    }

    @Override
    public TargetKernel targetKernel() throws SandboxException, InterruptedException {
        awaitPrepared();
        return ready.targetKernel();
    }

    @Override
    public String status() {
        return prepared.isDone() ? ready.status() : "preparing";
    }

    @Override
    public Load load() {
        return ready.load();
    }

    private void awaitPrepared() throws SandboxException, InterruptedException {
        try {
            prepared.get();
        } catch (ExecutionException e) {
            throw (SandboxException) e.getCause();
        }
    }
}
