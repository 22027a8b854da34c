package dev.bpflab.sandbox.qemu;

import dev.bpflab.sandbox.SandboxException;
import dev.bpflab.support.threads.Daemons;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * VMs restored from the saved VM and kept paused, so handing one out costs a {@code cont} and a clock/RNG reseed. A
 * thread of its own refills the pool after each hand-out, backing off while restores fail. Under TCG each pooled VM
 * is warmed up first (see {@link Vm#prewarm}).
 */
final class VmPool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(VmPool.class);
    private static final Duration WAKE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PREWARM_TIMEOUT = Duration.ofSeconds(60);

    private final Machine machine;
    private final SavedVm saved;
    private final Path runDir;
    private final int size;
    private final byte[] warmupObject;
    private final LinkedBlockingDeque<Vm> idle = new LinkedBlockingDeque<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final Object refillSignal = new Object();
    private final Thread refiller;
    private volatile String refillProblem;
    private volatile boolean closed;

    /**
     * Starts filling a pool of {@code size} VMs (0: every VM is restored when it is asked for); under TCG each is
     * warmed up with {@code warmupObject} before it is pooled.
     */
    VmPool(Machine machine, SavedVm saved, Path runDir, int size, byte[] warmupObject) {
        this.warmupObject = warmupObject;
        this.machine = machine;
        this.saved = saved;
        this.runDir = runDir;
        this.size = size;
        this.refiller = Daemons.start(this::refill, "qemu-pool");
    }

    /**
     * A running VM for one run: a pooled one woken up, or (pool empty) one restored now. A VM that does not wake is
     * discarded and another tried, three times in all.
     *
     * @throws SandboxException no VM could be restored or woken; the message has the last reason
     */
    Vm takeAwake() throws SandboxException {
        String problem = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            Vm vm = idle.pollFirst();
            signalRefill();
            try {
                if (vm == null) {
                    vm = restore();
                }
                vm.wake(WAKE_TIMEOUT);
                return vm;
            } catch (IOException e) {
                problem = e.getMessage();
                LOG.warnf("a restored VM was not usable: %s", problem);
                if (vm != null) {
                    vm.kill();
                }
            }
        }
        throw new SandboxException("no VM could be restored for this run: " + problem);
    }

    private Vm restore() throws IOException {
        Vm vm = Vm.start(machine, runDir, "vm-" + ids.incrementAndGet(), saved.memory(), Machine.Role.CLONE);
        try {
            VmMigration.restore(vm, saved.state());
            return vm;
        } catch (IOException | RuntimeException e) {
            vm.kill();
            throw e;
        }
    }

    /** Keeps the pool full until it is closed. */
    private void refill() {
        int failures = 0;
        while (!closed) {
            if (idle.size() < size) {
                try {
                    Vm vm = restore();
                    if (machine.accel() == Accel.TCG) {
                        try {
                            vm.prewarm(warmupObject, PREWARM_TIMEOUT);
                        } catch (IOException e) {
                            vm.kill();
                            throw e;
                        }
                    }
                    if (closed) {
                        vm.kill();
                        return;
                    }
                    idle.addLast(vm);
                    refillProblem = null;
                    failures = 0;
                    continue;
                } catch (IOException e) {
                    if (closed) {
                        return;
                    }
                    refillProblem = e.getMessage();
                    failures++;
                    LOG.warnf("could not restore a VM for the pool: %s", e.getMessage());
                }
            }
            synchronized (refillSignal) {
                try {
                    refillSignal.wait(failures == 0 ? 1000 : Math.min(30_000, 500L << Math.min(failures, 6)));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void signalRefill() {
        synchronized (refillSignal) {
            refillSignal.notifyAll();
        }
    }

    /** Paused VMs ready now. */
    int pooled() {
        return idle.size();
    }

    /** Why the last restore for the pool failed, or null if the last one worked. */
    String refillProblem() {
        return refillProblem;
    }

    /** Stops refilling and kills the pooled VMs (also one restored while closing). */
    @Override
    public void close() {
        closed = true;
        refiller.interrupt();
        signalRefill();
        killIdle();
        try {
            refiller.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        killIdle();
    }

    private void killIdle() {
        List<Vm> vms = new ArrayList<>();
        idle.drainTo(vms);
        vms.forEach(Vm::kill);
    }
}
