package dev.bpflab.runs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.api.RateLimiter;
import dev.bpflab.compiler.CompileResult;
import dev.bpflab.compiler.HostCompiler;
import dev.bpflab.lessons.CheckRun;
import dev.bpflab.limits.RunPass;
import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.ClientMessage;
import dev.bpflab.protocol.ErrorCode;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.RunPhase;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.sandbox.AgentListener;
import dev.bpflab.sandbox.SandboxException;
import dev.bpflab.metrics.RunMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One press of Run, from the press to the sandbox's end. Two things happen at once: the program is compiled on this
 * host ({@link #compiled}) and a sandbox is taken ({@link #begin}): once the client has room for one more live run
 * ({@link RunPass}), waiting in the admission queue if need be ({@link #acquire}). Whichever finishes second sends the
 * object to the agent. Then the agent's lines are relayed ({@link #onLine})
 * until a final phase, the agent's exit or {@link #finish}.
 */
final class RunAttempt implements AgentListener {
    private final RunSession session;
    private final String source;
    /** The kernel the run is on: an id of the backend's kernels, checked before the attempt was made. */
    private final String kernel;
    private final int timeoutSeconds;
    private final Map<String, JsonNode> globals;
    /** The run's place in its client's budgets: ended with the run. */
    final RunPass pass;
    volatile AgentChannel channel;
    volatile boolean finished;
    volatile boolean stopRequested;
    volatile boolean attached;
    /** The lesson check running on this attempt, if any: it sees every message the agent streams. */
    volatile CheckRun check;
    /** The task that waits in the admission queue and takes a sandbox; cancelled when the run ends first. */
    private Future<?> launch; // guarded by this
    private ScheduledFuture<?> deadline;
    private byte[] object; // guarded by this
    private byte[] coreBtf; // guarded by this
    private int queuePosition; // guarded by this
    private boolean started; // guarded by this
    /** The sandbox is taken only once the program compiled ({@link #compiled}), not while it compiles. */
    private final boolean sandboxOnceCompiled;
    private final long pressedAt = System.nanoTime();
    private final java.util.EnumSet<RunPhase> reached = java.util.EnumSet.noneOf(RunPhase.class); // guarded by this
    private RunPhase lastLive; // guarded by this
    private String diagnosticsStage; // guarded by this
    /** What of the agent's output is passed on: the agent is untrusted. */
    private final AgentLineFilter filter;
    /** How often the learner may read this run's iterators again. */
    final RateLimiter iteratorReads;
    /** Which maps may be written, and how often. */
    final MapWriteGate mapWrites = new MapWriteGate();

    /**
     * @param sandboxOnceCompiled take the sandbox once the program compiled, instead of while it compiles (the caller
     *                            then never calls {@link #begin})
     */
    RunAttempt(RunSession session, String source, String kernel, int timeoutSeconds, Map<String, JsonNode> globals,
            RunPass pass, boolean sandboxOnceCompiled) {
        this.session = session;
        this.kernel = kernel;
        this.sandboxOnceCompiled = sandboxOnceCompiled;
        this.source = source;
        this.timeoutSeconds = timeoutSeconds;
        this.globals = globals;
        this.filter = new AgentLineFilter(() -> channel == null ? "no sandbox" : channel.describe(), session.metrics(),
                () -> session.sendError("a message from the sandbox was longer than "
                        + (AgentChannel.MAX_LINE_BYTES >> 20) + " MiB and was dropped: does your program send a very "
                        + "large event or map value?"));
        this.pass = pass;
        this.iteratorReads = new RateLimiter(session.iteratorReadsPerMinute());
    }

    String source() {
        return source;
    }

    String kernel() {
        return kernel;
    }

    /** Takes a sandbox as soon as the client's budget has room for one more live run. */
    void begin() {
        pass.awaitLiveSlot(this::queued, this::admitted);
    }

    private void admitted() {
        synchronized (this) {
            if (!finished) {
                launch = session.workers().submit(this::acquire);
            }
        }
    }

    /** The compile ended: diagnostics to the learner, then the run goes on (or ends, if it failed). */
    void compiled(CompileResult result, Throwable failure) {
        if (finished) {
            return; // stopped or replaced while compiling; the result stays in the cache
        }
        if (failure != null) {
            finish(HostCompiler.unwrap(failure).getMessage());
            return;
        }
        if (!result.diagnostics().isEmpty()) {
            session.control(new ServerMessage.Diagnostics("compile", result.diagnostics(), result.log(), null, null, null));
        }
        if (!result.succeeded()) {
            finish(null); // before the phase: nothing of a run follows its final phase
            session.sendPhase(RunPhase.FAILED);
            return;
        }
        if (result.instructions() != null) {
            session.control(result.instructions()); // the Instructions tab, before the sandbox loads it
        }
        int waitingBehind;
        synchronized (this) {
            object = result.object();
            coreBtf = result.coreBtf();
            waitingBehind = channel == null ? queuePosition : 0;
        }
        if (sandboxOnceCompiled) {
            begin();
            return;
        }
        if (waitingBehind > 0) {
            session.sendQueued(waitingBehind);
        }
        startIfReady();
    }

    /** Waits in the admission queue for a sandbox (on a worker thread), then starts the run if it is compiled. */
    void acquire() {
        AgentChannel taken;
        try {
            // Sandboxes go to the client holding fewest first (AdmissionQueue): this run is its client's.
            taken = session.backend().acquire(session.who().shareKey(), kernel, this::queued);
        } catch (SandboxException e) {
            fail(e.error());
            return;
        } catch (InterruptedException e) {
            // Stopped or replaced while it waited in the queue (finish cancelled us), or the server is stopping.
            finish(finished ? null : "the server is shutting down");
            return;
        }
        channel = taken;
        pass.sandboxTaken();
        if (finished) {
            taken.release(); // stopped or replaced between being admitted and getting here: unused, it may serve another
            return;
        }
        session.control(new ServerMessage.Sandbox(session.backend().name(), taken.describe()));
        // The agent enforces the limit itself; this one also covers an agent that hangs.
        deadline = session.timers().schedule(() -> fail(new ServerMessage.Error("the run reached its time limit of "
                + timeoutSeconds + " s and was stopped", ErrorCode.TIME_LIMIT, Map.of("seconds", timeoutSeconds))),
                timeoutSeconds + 10L, TimeUnit.SECONDS);
        startIfReady();
    }

    /**
     * The admission queue's (or the client budget's) word on this attempt's place; said to the learner once the program
     * is compiled.
     */
    private void queued(int position) {
        if (position == 0) {
            session.metrics().queueWaited(sinceRun()); // admitted: the VM is taken and woken from here
        }
        boolean say;
        synchronized (this) {
            queuePosition = position;
            say = position > 0 && object != null && !finished;
        }
        if (say) {
            session.sendQueued(position);
        }
    }

    /** Whether the agent was sent the program (so a stop is the agent's to answer). */
    synchronized boolean started() {
        return started;
    }

    /** Sends the object to the agent once both the compile and the sandbox are there; once. */
    private void startIfReady() {
        AgentCommand.Start start;
        synchronized (this) {
            if (started || finished || channel == null || object == null) {
                return;
            }
            started = true;
            start = new AgentCommand.Start(source, object, timeoutSeconds, globals, null, null, coreBtf);
        }
        // Listened to only from here: a sandbox whose agent was never read from nor sent anything can still be given
        // to another run when this one is stopped or replaced first (AgentChannel#release).
        channel.listen(this);
        try {
            channel.send(RunJson.write(start));
        } catch (IOException e) {
            finish("could not reach the sandbox: " + e.getMessage());
        }
    }

    /**
     * Sends {@code command} to this run's agent. A workload (an iterator read) is noted as asked for first, so that
     * its answer, and only one, is accepted from the agent.
     *
     * @throws IOException the run's program was not sent to its sandbox yet, or the agent is gone
     */
    void send(AgentCommand command) throws IOException {
        AgentChannel c = channel;
        if (c == null || !started()) {
            throw new IOException("the run has no sandbox yet");
        }
        if (command instanceof AgentCommand.Workload workload) {
            filter.requested(workload.name());
        } else if (command instanceof AgentCommand.ReadIterator) {
            filter.iteratorReadRequested();
        } else if (command instanceof ClientMessage.MapUpdate || command instanceof ClientMessage.MapDelete) {
            filter.mapWriteRequested();
        } else if (command instanceof ClientMessage.ReadLoaded) {
            filter.loadedReadRequested();
        }
        c.send(RunJson.write(command));
    }

    @Override
    public void onLine(String line) {
        if (finished) {
            return; // replaced, stopped or failed: nothing of a run follows its end
        }
        // Untrusted: a learner's program shares the guest with the agent. What it may not say now is dropped.
        ServerMessage message = filter.accept(line);
        if (message == null) {
            return;
        }
        CheckRun running = check;
        if (running != null) {
            running.offer(message);
        }
        if (message instanceof ServerMessage.MapSnapshot snapshot) {
            mapWrites.seen(snapshot.name());
        }
        if (message.isStream()) {
            session.stream(message);
            return;
        }
        if (message instanceof ServerMessage.Phase phase && phase.phase() == RunPhase.ATTACHED) {
            attached = true; // before the client hears it: its next message may be a check
        }
        if (message instanceof ServerMessage.Phase phase && phase.phase().isFinal()) {
            finish(null); // before the phase is relayed: a check's verdict comes first, nothing of a run after it
        }
        session.control(message);
    }

    @Override
    public void onOversizeLine() {
        if (!finished) {
            filter.oversize();
        }
    }

    @Override
    public void onReclaimed(String why) {
        finish(finished || stopRequested ? null : why);
    }

    @Override
    public void onExit(String reason) {
        finish(finished || stopRequested ? null : "the sandbox ended unexpectedly (" + reason + ")");
    }

    /**
     * Notes a message the learner gets about this run, for the metrics: the time to each phase, and how the run
     * ended (once, at its final phase).
     */
    void observe(ServerMessage message) {
        RunMetrics.Outcome outcome = null;
        boolean first;
        RunPhase phase;
        synchronized (this) {
            if (message instanceof ServerMessage.Diagnostics diagnostics) {
                diagnosticsStage = diagnostics.stage();
                return;
            }
            if (!(message instanceof ServerMessage.Phase said) || reached.stream().anyMatch(RunPhase::isFinal)) {
                return;
            }
            phase = said.phase();
            first = reached.add(phase);
            if (phase.isFinal()) {
                outcome = RunMetrics.Outcome.of(lastLive, phase, diagnosticsStage);
            } else {
                lastLive = phase;
            }
        }
        if (first) {
            session.metrics().phaseReached(phase, sinceRun());
        }
        if (outcome != null) {
            session.metrics().runEnded(outcome);
        }
    }

    /** The run was replaced or its page went away: no final phase is sent, it counts as stopped. */
    void abandoned() {
        observe(ServerMessage.Phase.of(RunPhase.STOPPED));
    }

    private Duration sinceRun() {
        return Duration.ofNanos(System.nanoTime() - pressedAt);
    }

    /** Ends this attempt once: tells the client why (when it was not a normal end) and destroys the sandbox. */
    void finish(String error) {
        fail(error == null ? null : new ServerMessage.Error(error));
    }

    /** {@link #finish} with an error the page may say in its own language (one with a code), or null. */
    void fail(ServerMessage.Error error) {
        Future<?> waiting;
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            waiting = launch;
        }
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (channel == null && waiting != null) {
            waiting.cancel(true); // still in the admission queue: leave it, take no sandbox
        }
        pass.end(); // leaves the client's queue, or gives its live slot to the client's next waiting run
        CheckRun running = check;
        if (running != null) {
            running.runEnded();
        }
        if (error != null) {
            session.control(error);
            session.sendPhase(RunPhase.FAILED);
        }
        AgentChannel c = channel;
        if (c != null) {
            // A sandbox never sent its program nor listened to may serve the next run; release decides, else closes.
            session.workers().submit(c::release);
        }
        session.runEnded();
    }
}
