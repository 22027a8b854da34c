package dev.bpflab.sandbox.qemu;

import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.sandbox.SandboxException;
import dev.bpflab.support.threads.Daemons;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * VMs restored from the saved VM and kept paused, so handing one out costs a {@code cont} and a clock/RNG reseed.
 * Under TCG each VM is warmed up before it is pooled (see {@link Vm#prewarm}).
 *
 * <p>A fixed number of restorer threads ({@code restoresAtOnce}: a CPU budget, since a restore and warm-up under TCG
 * keep a core busy) make VMs while fewer are pooled or being made than {@code size} plus the runs waiting for one:
 * when a class presses Run at once and the pool runs dry, every restorer works until each waiting run has its VM.
 * Runs that waited for a VM get them in the order they asked: which runs wait at all was decided before, by the
 * admission queue (fewest held first, {@code AdmissionQueue}), so this order is that queue's. Restorers
 * back off while restores fail; a run that sees three restores fail while it waits is told why.
 */
final class VmPool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(VmPool.class);
    private static final Duration WAKE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PREWARM_TIMEOUT = Duration.ofSeconds(60);
    private static final int FAILURES_A_RUN_SEES = 3;

    /** A run waiting for a VM; {@code vm} is set (under the pool's lock) when one is handed to it. */
    private static final class Taker {
        Vm vm;
    }

    private final Machine machine;
    private final SavedVm saved;
    private final VmIsolation isolation;
    private final TemplateRam ram;
    private final Path runDir;
    /** Restores for the pool yield the CPU to live runs (see {@link Vm#setNice}). */
    private static final int POOL_NICE = 10;
    private final int size;
    private final AgentCommand.Warmup warmup;
    private final AtomicInteger ids = new AtomicInteger();
    /** Names this pool's VMs apart from other kernels' pools in the same run directory, e.g. "debian13-vm-". */
    private final String namePrefix;
    private final List<Thread> restorers = new ArrayList<>();
    // Guarded by this:
    private final ArrayDeque<Vm> idle = new ArrayDeque<>();
    private final ArrayDeque<Taker> takers = new ArrayDeque<>();
    private int restoring;
    private long failures; // ever: a taker compares with what it saw when it began to wait
    private int failuresInARow;
    private long backOffUntil;
    private String refillProblem;
    private boolean closed;

    /**
     * Starts filling a pool of {@code size} VMs (0: a VM is restored only when a run asks for one) with
     * {@code restoresAtOnce} restorer threads; under TCG each VM is warmed up with {@code warmup} first. Each VM
     * is confined by {@code isolation} and maps {@code ram}, the saved VM's RAM, which the pool closes with itself.
     * Its VMs are named {@code namePrefix} and a number.
     */
    VmPool(Machine machine, SavedVm saved, VmIsolation isolation, TemplateRam ram, Path runDir, int size,
            int restoresAtOnce, AgentCommand.Warmup warmup, String namePrefix) {
        this.namePrefix = namePrefix;
        if (size < 0 || restoresAtOnce < 1) {
            throw new IllegalArgumentException("pool size must be >= 0 and restores at once >= 1");
        }
        this.machine = machine;
        this.saved = saved;
        this.isolation = isolation;
        this.ram = ram;
        this.runDir = runDir;
        this.size = size;
        this.warmup = warmup;
        for (int i = 0; i < restoresAtOnce; i++) {
            restorers.add(Daemons.start(this::restoreWhileNeeded, "qemu-pool-" + (i + 1)));
        }
    }

    /**
     * A running VM for one run: a pooled one woken up, or (pool empty) the next one a restorer makes. A VM that does not
     * wake is discarded and another taken, three times in all.
     *
     * @throws SandboxException no VM could be restored or woken (the message has the last reason), or the pool closed
     * @throws InterruptedException the caller gave up waiting (it holds no VM then)
     */
    Vm takeAwake() throws SandboxException, InterruptedException {
        String problem = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            Vm vm = take();
            if (Thread.interrupted()) { // the run gave up (replaced by a new Run): the VM, still paused, stays pooled
                putBack(vm);
                throw new InterruptedException("the run gave up waiting for its VM");
            }
            try {
                vm.setNice(0); // a run's VM: ahead of the restores that refill the pool
                vm.wake(WAKE_TIMEOUT);
                return vm;
            } catch (IOException e) {
                vm.kill();
                if (e instanceof ClosedByInterruptException || e instanceof InterruptedIOException
                        || Thread.currentThread().isInterrupted()) {
                    // The run gave up while its VM woke: that VM's monitor socket is closed, but it was usable, and
                    // the next ones would fail the same way on this thread.
                    throw new InterruptedException("the run gave up while its VM woke");
                }
                // The learner's error says what happened in words; the log also names the exception and its causes.
                problem = e.getMessage() != null ? e.getMessage() : "its connection to the server failed";
                LOG.warnf("a restored VM was not usable: %s", why(e));
            }
        }
        throw new SandboxException("no VM could be restored for this run: " + problem);
    }

    /** What went wrong, for a log line: the exception's class, its message and its causes' (a null message says nothing). */
    static String why(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null && text.length() < 1000; t = t.getCause() == t ? null : t.getCause()) {
            if (t != error) {
                text.append(", caused by ");
            }
            text.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                text.append(": ").append(t.getMessage());
            }
        }
        return text.toString();
    }

    /** The first pooled VM, or waits in line for the next one made. */
    private synchronized Vm take() throws SandboxException, InterruptedException {
        if (closed) {
            throw new SandboxException("the qemu backend is shut down");
        }
        if (takers.isEmpty() && !idle.isEmpty()) {
            Vm vm = idle.pollFirst();
            notifyAll(); // the restorers refill
            return vm;
        }
        if (failuresInARow >= FAILURES_A_RUN_SEES) { // restoring is broken now: say so instead of waiting for it
            throw new SandboxException("no VM could be restored for this run: " + refillProblem);
        }
        Taker me = new Taker();
        takers.addLast(me);
        long failuresBefore = failures;
        notifyAll(); // one more VM is wanted
        try {
            while (me.vm == null) {
                if (closed) {
                    throw new SandboxException("the qemu backend is shut down");
                }
                if (failures - failuresBefore >= FAILURES_A_RUN_SEES) {
                    throw new SandboxException("no VM could be restored for this run: " + refillProblem);
                }
                wait();
            }
            return me.vm;
        } catch (InterruptedException e) {
            if (me.vm != null) { // handed over just as the caller gave up: the next one in line gets it
                handOut(me.vm);
            }
            throw e;
        } finally {
            takers.remove(me);
            notifyAll(); // one VM fewer is wanted
        }
    }

    /** A restorer: makes a VM whenever one is wanted, until the pool closes. */
    private void restoreWhileNeeded() {
        while (true) {
            synchronized (this) {
                try {
                    while (!closed && (idle.size() + restoring >= size + takers.size()
                            || System.currentTimeMillis() < backOffUntil)) {
                        long backOff = backOffUntil - System.currentTimeMillis();
                        wait(backOff > 0 ? backOff : 0);
                    }
                } catch (InterruptedException e) {
                    return;
                }
                if (closed) {
                    return;
                }
                restoring++;
            }
            Vm vm = null;
            IOException failure = null;
            try {
                vm = restoreAndWarm();
            } catch (IOException e) {
                failure = e;
            }
            if (!offer(vm, failure)) {
                if (vm != null) {
                    vm.kill();
                }
                return;
            }
        }
    }

    /** Hands a new VM out or pools it, or records a failure. False when the pool has closed: the VM is the caller's. */
    private synchronized boolean offer(Vm vm, IOException failure) {
        restoring--;
        notifyAll();
        if (closed) {
            return false;
        }
        if (failure != null) {
            failures++;
            failuresInARow++;
            refillProblem = failure.getMessage() != null ? failure.getMessage() : "its connection to the server failed";
            backOffUntil = System.currentTimeMillis() + Math.min(30_000, 500L << Math.min(failuresInARow, 6));
            LOG.warnf("could not restore a VM for the pool: %s", why(failure));
            return true;
        }
        failuresInARow = 0;
        refillProblem = null;
        handOut(vm);
        return true;
    }

    /** To the run first in line, or into the pool. Called with the lock held. */
    private void handOut(Vm vm) {
        Taker first = takers.pollFirst();
        if (first != null) {
            first.vm = vm;
        } else {
            idle.addLast(vm);
        }
        notifyAll();
    }

    /**
     * Restores a VM and, under TCG, warms it up, unless a run is already waiting for one: the warm-up translates what
     * the run would translate anyway, so a waiting learner gets the VM at once and pays for it only once.
     */
    private Vm restoreAndWarm() throws IOException {
        Vm vm = Vm.start(machine, isolation, runDir, namePrefix + ids.incrementAndGet(), ram.handle(), Machine.Role.CLONE);
        try {
            boolean someoneWaits;
            synchronized (this) {
                someoneWaits = !takers.isEmpty();
            }
            // A restore a learner is waiting for goes at a live run's priority; one for the pool yields to them.
            vm.setNice(someoneWaits ? 0 : POOL_NICE);
            VmMigration.restore(vm, saved.state());
            synchronized (this) {
                someoneWaits = !takers.isEmpty();
            }
            if (machine.accel() == Accel.TCG && !someoneWaits) {
                vm.prewarm(warmup, PREWARM_TIMEOUT);
            }
            return vm;
        } catch (IOException | RuntimeException e) {
            vm.kill();
            throw e;
        }
    }

    /**
     * Takes back a VM woken for a run that never used it ({@code VmChannel#release}): paused again, it goes to the
     * next run waiting for one, or into the pool. A VM that cannot be paused is killed.
     */
    void giveBack(Vm vm) {
        try {
            vm.pause();
            vm.setNice(POOL_NICE);
        } catch (IOException e) {
            LOG.warnf("a VM no run used could not be paused for the pool: %s", why(e));
            vm.kill();
            return;
        }
        putBack(vm);
    }

    /** A paused VM goes (back) to the pool, or is killed when the pool is closed. */
    private void putBack(Vm vm) {
        synchronized (this) {
            if (!closed) {
                handOut(vm);
                return;
            }
        }
        vm.kill();
    }

    /** Paused VMs ready now. */
    synchronized int pooled() {
        return idle.size();
    }

    /** Why the last restore failed, or null if the last one worked. */
    synchronized String refillProblem() {
        return refillProblem;
    }

    /** Stops the restorers and kills the pooled VMs (also those restored while closing); waiting runs are refused. */
    @Override
    public void close() {
        List<Vm> vms;
        synchronized (this) {
            closed = true;
            notifyAll();
            vms = new ArrayList<>(idle);
            idle.clear();
        }
        restorers.forEach(Thread::interrupt);
        vms.forEach(Vm::kill);
        for (Thread restorer : restorers) {
            try {
                restorer.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        ram.close();
    }
}
