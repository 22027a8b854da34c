package dev.bpflab.sandbox.qemu;

import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.sandbox.AgentListener;
import dev.bpflab.support.threads.Daemons;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A restored VM serving one run. Its agent speaks JSON lines over the VM's virtio-serial socket. Closing the channel
 * kills QEMU; so does the time limit. The agent's output is read at a bounded rate with a bounded line length: when
 * the agent writes faster, the guest waits (virtio-serial has flow control) and nothing piles up in the server.
 * A channel given back before anything was sent to its agent ({@link #release}) hands the VM back to the pool.
 */
final class VmChannel implements AgentChannel {
    private final Vm vm;
    private final String description;
    private final long bytesPerSecond;
    private final int maxLineBytes;
    private final Duration maxRunTime;
    private final Runnable onClose;
    private final Consumer<Vm> reuse;
    private final ScheduledFuture<?> timeLimit;
    private final AtomicBoolean listening = new AtomicBoolean();
    private volatile boolean closed;
    private volatile boolean timedOut;
    private volatile boolean used; // a line was sent to the agent: the VM is no longer as restored
    private boolean released; // guarded by this: the VM went back to the pool
    private volatile String reclaimed; // why the VM was taken back for someone else, if it was

    /**
     * @param onClose runs once the channel is closed or released (gives the run's admission place back)
     * @param reuse   takes back a VM this channel never used ({@link #release}), e.g. into the pool
     */
    VmChannel(Vm vm, String description, QemuSettings settings, ScheduledExecutorService timer, Runnable onClose,
            Consumer<Vm> reuse) {
        this.vm = vm;
        this.reuse = reuse;
        this.description = description;
        this.bytesPerSecond = settings.outputBytesPerSecond();
        this.maxLineBytes = settings.maxLineBytes();
        this.maxRunTime = settings.maxRunTime();
        this.onClose = onClose;
        this.timeLimit = timer.schedule(() -> {
            timedOut = true;
            close();
        }, maxRunTime.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void listen(AgentListener listener) {
        synchronized (this) {
            if (!listening.compareAndSet(false, true)) {
                throw new IllegalStateException("listen() was already called on " + description);
            }
            if (released) {
                return; // the VM went back to the pool: nothing it says is this run's
            }
        }
        Daemons.start(() -> read(listener), vm.name + "-agent");
    }

    private void read(AgentListener listener) {
        try {
            InputStream in = Channels.newInputStream(vm.agent());
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            boolean overlong = false;
            byte[] buffer = new byte[8192];
            long windowStart = System.nanoTime();
            long windowBytes = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (b == '\n') {
                        if (reclaimed != null) {
                            break; // taken back for someone else: nothing more of it is the run's
                        }
                        if (overlong) {
                            listener.onOversizeLine();
                        } else if (line.size() > 0) {
                            listener.onLine(line.toString(StandardCharsets.UTF_8));
                        }
                        line.reset();
                        overlong = false;
                    } else if (!overlong) {
                        line.write(b);
                        if (line.size() > maxLineBytes) {
                            line.reset();
                            overlong = true;
                        }
                    }
                }
                // Output rate cap: over budget for this second, stop reading until the second is over.
                windowBytes += n;
                long elapsed = System.nanoTime() - windowStart;
                if (elapsed >= 1_000_000_000L) {
                    windowStart = System.nanoTime();
                    windowBytes = 0;
                } else if (windowBytes >= bytesPerSecond) {
                    Thread.sleep((1_000_000_000L - elapsed) / 1_000_000L + 1);
                    windowStart = System.nanoTime();
                    windowBytes = 0;
                }
            }
        } catch (IOException e) {
            // the VM is gone; the reason is worked out below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String reason = exitReason();
        close();
        String why = reclaimed;
        if (why != null) {
            listener.onReclaimed(why);
        } else {
            listener.onExit(reason);
        }
    }

    /** Why the agent's stream ended, in words a learner can act on. */
    private String exitReason() {
        if (timedOut) {
            return "the run reached the VM's time limit of " + maxRunTime.toSeconds() + " s; the VM was discarded";
        }
        if (closed) {
            return "the run was stopped";
        }
        Process qemu = vm.process();
        try {
            qemu.waitFor(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        vm.console().awaitEnd(1000);
        String panic = vm.console().lineWith("Kernel panic");
        if (panic != null) {
            return "the guest kernel panicked (" + panic + "); the VM was discarded, nothing else was affected";
        }
        String agentExit = vm.console().lineWith("bpflab guest: agent exited");
        if (agentExit != null) {
            String detail = vm.console().lineWith("Exception");
            return agentExit.replace("bpflab guest: agent", "the agent") + (detail == null ? "" : ": " + detail);
        }
        if (qemu.isAlive()) {
            return "the agent closed its connection";
        }
        return "the VM stopped unexpectedly (QEMU exit status " + qemu.exitValue() + ": " + vm.qemuLog() + ")";
    }

    @Override
    public void send(String jsonLine) throws IOException {
        if (closed || !vm.alive()) {
            throw new IOException("the VM is no longer running");
        }
        ByteBuffer out = ByteBuffer.wrap((jsonLine + "\n").getBytes(StandardCharsets.UTF_8));
        synchronized (this) {
            if (closed) {
                throw new IOException("the VM is no longer running");
            }
            used = true;
            while (out.hasRemaining()) {
                vm.agent().write(out);
            }
        }
    }

    /** Makes the guest kernel panic (a test hook: proves a panic ends only this run). */
    void crashGuest() throws IOException {
        vm.controlSend("crash");
    }

    Vm vm() {
        return vm;
    }

    /**
     * Ends the run because its place was reclaimed for a client holding less ({@code AdmissionQueue}): the VM is
     * killed and the listener hears {@code why} ({@link AgentListener#onReclaimed}).
     */
    void reclaim(String why) {
        reclaimed = why;
        close();
    }

    /**
     * Gives the VM back for another run if its agent was never sent anything nor listened to (the run was stopped or
     * replaced before its program was compiled, e.g. a client pressing Run again and again): it is as restored, and
     * another restore under TCG costs seconds of CPU. Otherwise the same as {@link #close}.
     */
    @Override
    public void release() {
        boolean reusable;
        synchronized (this) {
            if (closed) {
                return;
            }
            reusable = !used && !listening.get() && vm.alive();
            closed = reusable; // a reusable VM's channel is closed here, without killing the VM
            released = reusable;
        }
        if (!reusable) {
            close();
            return;
        }
        timeLimit.cancel(false);
        reuse.accept(vm); // back in the pool first: the place released next may go to a run that takes it at once
        onClose.run();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        timeLimit.cancel(false);
        vm.kill();
        onClose.run();
    }
}
