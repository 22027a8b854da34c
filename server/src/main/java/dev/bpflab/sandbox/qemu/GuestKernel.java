package dev.bpflab.sandbox.qemu;

import dev.bpflab.compiler.TargetKernel;
import dev.bpflab.protocol.ErrorCode;
import dev.bpflab.protocol.PreparationStage;
import dev.bpflab.sandbox.Kernel;
import dev.bpflab.sandbox.Preparation;
import dev.bpflab.sandbox.SandboxException;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One guest kernel of the qemu backend ({@code debian12}, {@code debian13}, …): its image, built or checked in
 * {@code guestDir/ID/}, the saved VM booted from it and the pool of paused VMs restored from that, and how far their
 * preparation is. The backend prepares its kernels one after another, the default first, so the lab is ready with the
 * default kernel while the others still build ({@link QemuBackend}); everything else (the admission queue, the uids
 * and cgroups, the accelerator) the kernels share.
 */
final class GuestKernel {
    final String id;
    private final ImageBuild imageBuild; // null: the image is used as built
    private final QemuSettings settings;
    final Preparation preparation = new Preparation(InstantSource.system(), PreparationStage.IMAGE_CHECK);
    private final CompletableFuture<Ready> ready = new CompletableFuture<>();

    /** What preparing made: the image, the machine that boots it and the pool of VMs restored from its saved VM. */
    record Ready(GuestImage image, Machine machine, VmPool pool) {
    }

    GuestKernel(String id, QemuSettings settings, RunDir runDir) {
        this.id = id;
        this.settings = settings;
        this.imageBuild = settings.imageBuilder() == null ? null : new ImageBuild(settings.imageBuilder(),
                settings.kernelDir(id), settings.agentDir(), id, runDir.path().resolve("build-image-" + id + ".log"));
    }

    /**
     * Builds the image when the backend has a builder, then reads it.
     *
     * @throws SandboxException the build failed or the image is not usable; the message says what to run
     */
    GuestImage image() throws SandboxException, InterruptedException {
        if (imageBuild != null) {
            QemuBackend.LOG.infof("%s: %s", id, imageBuild.run(preparation::enter));
        }
        try {
            return GuestImage.check(settings.imageDir(id));
        } catch (IOException e) {
            throw new SandboxException("the " + id + " guest image in " + settings.imageDir(id) + " is not usable ("
                    + e.getMessage() + "): build it with `server/src/main/guest/build-image.sh --kernel " + id + " "
                    + settings.kernelDir(id) + "`", e);
        }
    }

    /** What programs for this kernel are compiled against and with: its headers and its distribution's toolchain. */
    static TargetKernel target(GuestImage image) {
        return TargetKernel.image(image.kernelRelease(), image.headers(), image.toolchain());
    }

    /** Prepared: runs may take VMs of this kernel (the backend calls it under its lock, once it knows it is not closed). */
    void ready(Ready made) {
        preparation.ready(); // first: a run waiting for us says "compiling" before it compiles
        ready.complete(made);
    }

    /** Preparing failed: waiting and later runs on this kernel are told {@code failure}'s message. */
    void failed(SandboxException failure) {
        ready.completeExceptionally(failure);
    }

    /** Waits up to {@code timeout} for this kernel to be prepared. */
    Ready readyWithin(Duration timeout) throws SandboxException, InterruptedException {
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SandboxException sandbox) {
                throw new SandboxException(sandbox.getMessage(), sandbox);
            }
            throw new SandboxException("the qemu backend could not prepare kernel " + id + ": " + cause, cause);
        } catch (TimeoutException e) {
            throw new SandboxException(ErrorCode.LAB_PREPARING, "the qemu backend is still preparing its saved VM");
        }
    }

    /** The prepared state, or null until (or unless) it is ready. */
    Ready readyNow() {
        return ready.isDone() && !ready.isCompletedExceptionally() ? ready.getNow(null) : null;
    }

    boolean isDone() {
        return ready.isDone();
    }

    /** This kernel as {@code GET /api/kernels} and runs see it now. */
    Kernel describe() {
        Ready made = readyNow();
        if (made == null) {
            return new Kernel(id, QemuSettings.KERNELS.get(id), null, null, preparation);
        }
        GuestImage image = made.image();
        // The short name ("Debian 13 (trixie)"), not the image's PRETTY_NAME ("Debian GNU/Linux 13 (trixie)"): it is
        // what a picker on a phone and a refusal's sentence have room for.
        return new Kernel(id, QemuSettings.KERNELS.get(id), image.kernelRelease(), image.toolchainName(), preparation);
    }

    /** Kills the image build if one runs; the pool is the backend's to close (it knows when no run takes from it). */
    void cancelBuild() {
        if (imageBuild != null) {
            imageBuild.cancel();
        }
    }
}
