package dev.bpflab.runs;

import dev.bpflab.compiler.CompileResult;
import dev.bpflab.compiler.HostCompiler;
import dev.bpflab.compiler.TargetKernel;
import dev.bpflab.limits.RunPass;
import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.ClientMessage;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.RunPhase;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.sandbox.AgentListener;
import dev.bpflab.sandbox.Kernel;
import dev.bpflab.sandbox.SandboxException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One kernel of a matrix ({@link MatrixRun}): the program compiled for that kernel on this host, then, once the
 * client's live-run budget has room ({@link RunPass}), a fresh sandbox of that kernel; the program is loaded and
 * attached there, the workload fired once, the loaded view read ({@code read_loaded}, for the verifier's processed
 * count), events and maps collected for the matrix's seconds; then the sandbox is destroyed and the row made
 * ({@link KernelOutcome}). A compile failure, a rejection or a sandbox that dies still makes a row; a cancelled kernel
 * makes none. Thread-safe: the compile, the agent's reader, timers and the session's thread all call in.
 */
final class MatrixKernel implements AgentListener {
    /** The agent's own time limit is the collection plus this, for loading (seconds under emulation). */
    static final int AGENT_MARGIN_SECONDS = 60;
    /**
     * How long the loaded view's answer is waited for after the collection ended, in seconds: bpftool and the
     * statistics' second load take seconds under emulation.
     */
    static final int LOADED_GRACE_SECONDS = 30;

    private final MatrixRun matrix;
    private final Kernel kernel;
    private final RunPass pass;
    private final KernelOutcome outcome;
    private final AgentLineFilter filter;
    private final List<Future<?>> timers = new ArrayList<>(); // guarded by this
    private volatile AgentChannel channel;
    private Future<?> launch; // guarded by this
    private CompileResult compiled; // guarded by this
    private boolean finished; // guarded by this
    private boolean collected; // the collection window ended; guarded by this
    private boolean loadedRead; // the read_loaded was answered; guarded by this

    MatrixKernel(MatrixRun matrix, Kernel kernel, RunPass pass) {
        this.matrix = matrix;
        this.kernel = kernel;
        this.pass = pass;
        this.outcome = new KernelOutcome(kernel);
        this.filter = new AgentLineFilter(() -> channel == null ? "no sandbox" : channel.describe(),
                matrix.services().metrics(), () -> outcome.failed("a message from the sandbox was longer than "
                        + (AgentChannel.MAX_LINE_BYTES >> 20) + " MiB and was dropped"));
    }

    /** Compiles the program for this kernel; the rest follows from the compile's end. */
    void start() {
        RunServices services = matrix.services();
        var lacking = services.kernels().refusal(matrix.plan().source(), kernel.id());
        if (lacking.isPresent()) { // what a run on this kernel would be told, before anything compiles
            outcome.lacks(lacking.get().items());
            finish();
            return;
        }
        CompletableFuture.supplyAsync(this::target, services.workers())
                .thenCompose(target -> services.compiler().compile(matrix.plan().source(), target, matrix.shareKey()))
                .whenComplete(this::compiled);
    }

    private TargetKernel target() {
        return CompileTurns.targetOf(matrix.services().backend(), kernel.id());
    }

    private void compiled(CompileResult result, Throwable failure) {
        synchronized (this) {
            if (finished) {
                return;
            }
            compiled = result;
        }
        if (failure != null) {
            outcome.notCompiled(HostCompiler.unwrap(failure).getMessage());
            finish();
            return;
        }
        outcome.compiled(result);
        if (!result.succeeded()) {
            finish();
            return;
        }
        pass.awaitLiveSlot(position -> {
        }, () -> {
            synchronized (this) {
                if (!finished) {
                    launch = matrix.services().workers().submit(this::acquire);
                }
            }
        });
    }

    /** Takes a sandbox of this kernel (on a worker: it may wait in the admission queue) and sends it the program. */
    private void acquire() {
        AgentChannel taken;
        try {
            taken = matrix.services().backend().acquire(matrix.shareKey(), kernel.id(), position -> {
            });
        } catch (SandboxException e) {
            outcome.failed(e.getMessage());
            finish();
            return;
        } catch (InterruptedException e) {
            outcome.failed("the server is shutting down"); // or cancelled, and then no row is made
            finish();
            return;
        }
        channel = taken;
        pass.sandboxTaken();
        AgentCommand.Start start;
        synchronized (this) {
            if (finished) {
                matrix.services().workers().submit(taken::release); // cancelled meanwhile: it may serve another run
                return;
            }
            int seconds = matrix.plan().seconds();
            start = new AgentCommand.Start(matrix.plan().source(), compiled.object(), seconds + AGENT_MARGIN_SECONDS,
                    matrix.plan().globals(), null, false, compiled.coreBtf());
            int limit = seconds + AGENT_MARGIN_SECONDS + LOADED_GRACE_SECONDS;
            after(limit, () -> {
                outcome.failed("the sandbox of " + kernel.id() + " did not finish within " + limit + " s");
                finish();
            });
        }
        taken.listen(this);
        try {
            taken.send(RunJson.write(start));
        } catch (IOException e) {
            outcome.failed("could not reach the sandbox: " + e.getMessage());
            finish();
        }
    }

    @Override
    public void onLine(String line) {
        synchronized (this) {
            if (finished) {
                return;
            }
        }
        ServerMessage message = filter.accept(line);
        if (message == null) {
            return;
        }
        outcome.agentSaid(message);
        if (message instanceof ServerMessage.Phase said && said.phase() == RunPhase.ATTACHED) {
            matrix.services().workers().submit(this::attached);
        } else if (message instanceof ServerMessage.Phase said && said.phase().isFinal()) {
            finish(); // failed, or stopped by itself (its time limit) before the collection ended
        } else if (message instanceof ServerMessage.LoadedPrograms) {
            boolean done;
            synchronized (this) {
                loadedRead = true;
                done = collected;
            }
            if (done) {
                finish();
            }
        }
    }

    /** Attached: the workload is fired, the loaded view asked for, and the collection window starts. */
    private void attached() {
        try {
            if (matrix.plan().workload() != null) {
                filter.requested(matrix.plan().workload());
                channel.send(RunJson.write(new AgentCommand.Workload(matrix.plan().workload())));
            }
            filter.loadedReadRequested();
            channel.send(RunJson.write((AgentCommand) new ClientMessage.ReadLoaded()));
        } catch (IOException e) {
            outcome.failed("could not reach the sandbox: " + e.getMessage());
            finish();
            return;
        }
        synchronized (this) {
            after(matrix.plan().seconds(), this::collectionEnded);
        }
    }

    private void collectionEnded() {
        outcome.closeWindow();
        synchronized (this) {
            collected = true;
            if (!loadedRead) {
                after(LOADED_GRACE_SECONDS, this::finish); // then without the processed count
                return;
            }
        }
        finish();
    }

    /** Runs {@code action} in {@code seconds}, unless this kernel ends first. Called holding this. */
    private void after(int seconds, Runnable action) {
        if (!finished) {
            timers.add(matrix.services().timers().schedule(action, seconds, TimeUnit.SECONDS));
        }
    }

    @Override
    public void onOversizeLine() {
        filter.oversize();
    }

    @Override
    public void onExit(String reason) {
        outcome.failed("the sandbox ended unexpectedly (" + reason + ")");
        finish();
    }

    @Override
    public void onReclaimed(String why) {
        outcome.failed(why);
        finish();
    }

    /** This kernel is done: its sandbox is destroyed, its live slot given back, its row sent. Once. */
    private void finish() {
        if (end()) {
            matrix.rowDone(outcome.row());
        }
    }

    /** The matrix was stopped: this kernel ends without a row; a sandbox it waits for is not taken. */
    void cancel() {
        Future<?> waiting;
        synchronized (this) {
            waiting = launch;
        }
        if (end() && channel == null && waiting != null) {
            waiting.cancel(true); // still in the admission queue: leave it
        }
    }

    /** Ends this kernel once; false when it had ended already. */
    private boolean end() {
        synchronized (this) {
            if (finished) {
                return false;
            }
            finished = true;
            timers.forEach(t -> t.cancel(false));
        }
        pass.end();
        AgentChannel c = channel;
        if (c != null) {
            matrix.services().workers().submit(c::release); // release decides: an untouched sandbox may serve another
        }
        return true;
    }
}
