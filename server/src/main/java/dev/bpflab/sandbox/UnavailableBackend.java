package dev.bpflab.sandbox;

import dev.bpflab.compiler.TargetKernel;
import java.util.function.IntConsumer;

/**
 * Stands in when the configured backend could not start, so the server still comes up and every Run gets the
 * reason (e.g. "build the agent first") instead of a stack trace.
 */
final class UnavailableBackend implements SandboxBackend {
    private final String name;
    private final String reason;
    private final Preparation preparation;

    UnavailableBackend(String name, String reason) {
        this.name = name;
        this.reason = reason;
        this.preparation = Preparation.failed("The lab could not start its " + name + " sandboxes: " + reason
                + ". Fix that and restart the server.");
    }

    @Override
    public Preparation preparation() {
        return preparation;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public AgentChannel acquire(Object client, IntConsumer queuePosition) throws SandboxException {
        throw new SandboxException(reason);
    }

    @Override
    public TargetKernel targetKernel() throws SandboxException {
        throw new SandboxException(reason);
    }

    /** One kernel, named after the backend, whose preparation failed with the reason. */
    @Override
    public java.util.List<Kernel> kernels() {
        Preparation failed = new Preparation(java.time.InstantSource.system(), dev.bpflab.protocol.PreparationStage.IMAGE_CHECK);
        failed.fail(reason);
        return java.util.List.of(new Kernel(name, name, null, null, failed));
    }

    @Override
    public boolean available() {
        return false;
    }

    @Override
    public String status() {
        return "unavailable: " + reason;
    }

    @Override
    public Load load() {
        return new Load(0, 0, 0, 0);
    }
}
