package dev.bpflab.runs;

import dev.bpflab.lessons.CheckRun;
import dev.bpflab.lessons.StepCheck;
import dev.bpflab.limits.Client;
import dev.bpflab.limits.LimitException;
import dev.bpflab.limits.RunPass;
import dev.bpflab.limits.SocketInput;
import dev.bpflab.metrics.RunMetrics;
import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.ClientMessage;
import dev.bpflab.protocol.ErrorCode;
import dev.bpflab.protocol.ProtocolException;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.RunPhase;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.sandbox.SandboxException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One browser connection on {@code /ws/run}: at most one run at a time ({@link RunAttempt}), each in a fresh
 * sandbox. A run is compiled here while its sandbox is taken; the agent then reports loading/attached. A run ends on
 * stop, on a new run, on the connection closing, when the agent dies, or at its time limit; its sandbox is
 * destroyed then. A message is decoded and checked whole ({@link RunJson#client}), and a run against its client's
 * budgets ({@link dev.bpflab.limits.ClientLimits}), before anything running is touched. Compile-only requests
 * (errors as you type) are compiled beside the run, never touching it ({@link CompileRequests}). A run on all kernels
 * ({@code run_all}, {@link MatrixRequests}) takes the run's place: a run or a stop ends it, as it ends a run.
 */
final class RunSession implements AutoCloseable {
    private static final long STOP_GRACE_MS = 5000;
    /** Messages that may wait to be handled: a page sends one at a time; a burst of Run presses is a few hundred. */
    private static final int INBOX_MESSAGES = 1000;
    /** What the room's dashboard says a run on all kernels ran on. */
    static final String ALL_KERNELS = "all kernels";
    /** Stands for a binary frame in the inbox, told apart from any text by identity (a String of its own). */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String BINARY_FRAME = new String("(a binary frame)");

    private final RunServices services;
    private final Client who;
    private final ActivityFeed feed;
    private final ClientStream client;
    private final Inbox inbox;
    private final CompileTurns<RunAttempt> compiles;
    private final CompileRequests compileOnly;
    private final MatrixRequests matrices;
    private volatile RunAttempt current;
    private final LiveRunRequests live = new LiveRunRequests(() -> current, this::control);
    private volatile long lastActive = System.nanoTime();
    private boolean closed; // guarded by this

    /**
     * @param who      the client on the other end, whose budgets its runs count against
     * @param outlet   the socket; what does not fit the client's outgoing budget closes it and ends the run
     * @param activity told what the runs do (a room's dashboard listens)
     */
    RunSession(Client who, RunServices services, ClientStream.Outlet outlet, Consumer<RunActivity> activity) {
        this.services = services;
        this.who = who;
        this.feed = new ActivityFeed(who.learner(), activity, services.timers());
        this.client = new ClientStream(outlet, services.limits().settings().outgoingBytes(),
                services.limits().settings().readStall(), services.timers(), this::close);
        this.compiles = new CompileTurns<>(services.backend(), services.compiler(), services.workers(), who.shareKey(),
                RunAttempt::source, RunAttempt::kernel, attempt -> attempt.finished,
                (attempt, outcome) -> attempt.compiled(outcome.result(), outcome.failure()));
        this.compileOnly = new CompileRequests(services, who.shareKey(), message -> client.control(RunJson.write(message)));
        // A run on all kernels is a Run for the room's dashboard: counted, its code shown, "on all kernels", and
        // stopped once its matrix is done.
        this.matrices = new MatrixRequests(services, who, message -> {
            client.control(RunJson.write(message));
            if (message instanceof ServerMessage.MatrixDone) {
                feed.control(ServerMessage.Phase.of(RunPhase.STOPPED));
            }
        }, this::endRun, source -> feed.runPressed(source, ALL_KERNELS));
        this.inbox = new Inbox(services.workers(), this::onMessage, INBOX_MESSAGES, 4L * settings().maxMessageBytes(),
                reason -> {
                    client.hangUp(reason);
                    close();
                });
    }

    /** The learner token its client connected with, or null. */
    String learner() {
        return who.learner();
    }

    /** A message from the browser, taken off the socket: handled in order on a worker ({@link Inbox}). */
    void receive(String text) {
        inbox.offer(text);
    }

    /** A binary frame from the browser: answered, in order with the other messages, with an error. */
    void receiveBinary() {
        inbox.offer(BINARY_FRAME);
    }

    synchronized void onMessage(String text) {
        lastActive = System.nanoTime();
        if (closed) {
            return;
        }
        if (text == BINARY_FRAME) {
            client.control(RunJson.write((ServerMessage) new ServerMessage.Error(SocketInput.binaryRefusal("{\"type\":\"stop\"}"))));
            return;
        }
        if (text.length() > settings().maxMessageBytes()) {
            control(new ServerMessage.Error("the message is " + text.length() + " bytes; the limit is "
                    + settings().maxMessageBytes() + ". Shorten the program.", ErrorCode.TOO_LARGE,
                    Map.of("size", text.length(), "limit", settings().maxMessageBytes())));
            return;
        }
        ClientMessage message;
        try {
            message = RunJson.client(text);
        } catch (ProtocolException e) {
            sendError(e.getMessage());
            return;
        }
        if (message instanceof ClientMessage.Run run) {
            startRun(run);
        } else if (message instanceof ClientMessage.Workload workload) {
            live.workload(workload);
        } else if (message instanceof ClientMessage.Check check) {
            startCheck(check);
        } else if (message instanceof ClientMessage.ReadIterator) {
            live.readIterator();
        } else if (message instanceof ClientMessage.RunAll all) {
            matrices.start(all);
        } else if (message instanceof ClientMessage.Stop && !matrices.stop()) {
            stopRun();
        } else if (message instanceof ClientMessage.MapUpdate update) {
            live.writeMap(update.map(), "update", update);
        } else if (message instanceof ClientMessage.MapDelete delete) {
            live.writeMap(delete.map(), "delete", delete);
        } else if (message instanceof ClientMessage.ReadLoaded read) {
            live.readLoaded(read);
        } else if (message instanceof ClientMessage.Compile compile) {
            compileOnly.request(compile); // the run, if any, is not touched
        }
    }

    /** Whether the connection has had no run and no message from its client for at least {@code timeout}. */
    boolean idleFor(Duration timeout) {
        RunAttempt attempt = current;
        return (attempt == null || attempt.finished) && !matrices.running()
                && System.nanoTime() - lastActive >= timeout.toNanos();
    }

    /** Grades the attached program on what the step's (or the template's) workloads make it do. */
    private void startCheck(ClientMessage.Check message) {
        StepCheck check;
        try {
            check = services.checks().resolve(message);
        } catch (IllegalArgumentException e) {
            sendError(e.getMessage());
            return;
        }
        RunAttempt attempt = current;
        if (attempt == null || attempt.finished || !attempt.attached) {
            control(CheckRun.notRunning(message));
            return;
        }
        CheckRun previous = attempt.check;
        if (previous != null && !previous.finished()) {
            sendError("a check is already running; wait for its result");
            return;
        }
        CheckRun run = new CheckRun(message, check, timers(), attempt::send, this::control);
        attempt.check = run;
        run.start();
    }

    private void startRun(ClientMessage.Run message) {
        // Everything is checked before the running program is touched: a bad request leaves it running.
        String source;
        try {
            source = services.sources().resolve(message);
        } catch (IllegalArgumentException e) {
            sendError(e.getMessage());
            return;
        }
        int timeout = message.timeoutSeconds() == null ? settings().defaultTimeoutSeconds() : message.timeoutSeconds();
        if (timeout > settings().maxTimeoutSeconds()) {
            sendError("timeoutSeconds must be between 1 and " + settings().maxTimeoutSeconds() + ", was " + timeout);
            return;
        }
        String kernel;
        try {
            kernel = services.backend().requireKernel(message.kernel());
        } catch (SandboxException e) {
            control(e.error()); // unknown-kernel
            return;
        }
        RunAttempt previous = current;
        // Run pressed again before the previous press's program reached its sandbox: this client presses faster than
        // it compiles (a script, or a learner hammering Run), so its sandbox is taken only once a press compiles.
        boolean pressingAgain = previous != null && !previous.finished && !previous.started();
        RunPass pass;
        try {
            pass = services.limits().startRun(who, previous == null ? null : previous.pass);
        } catch (LimitException e) {
            control(e.error());
            return;
        }
        matrices.cancel(); // a run replaces a matrix as it replaces a run
        if (previous != null && !previous.finished) {
            // At most one run per connection: the previous one ends here, and leaves the queue if it waited there.
            previous.stopRequested = true;
            previous.finish(null);
            previous.abandoned();
        }
        // A woken VM costs the guest CPU under TCG: not one per press.
        RunAttempt attempt = new RunAttempt(this, source, kernel, timeout, message.globals(), pass, pressingAgain);
        current = attempt;
        feed.runPressed(source, kernel);
        Optional<ServerMessage.Diagnostics> lacking = services.kernels().refusal(source, kernel);
        if (lacking.isPresent()) { // needs what the kernel was probed without: said before anything compiles
            control(lacking.get());
            attempt.finish(null); // before the phase: nothing of a run follows its final phase
            sendPhase(RunPhase.FAILED);
            return;
        }
        PreparationWatch.start(services.backend().preparation(kernel), attempt, this); // compiling, or what it prepares
        compiles.request(attempt);
        if (!pressingAgain) {
            attempt.begin(); // both at once: the compile on this host, and the wait for a sandbox (woken meanwhile)
        }
    }

    int iteratorReadsPerMinute() {
        return services.limits().settings().iteratorReadsPerMinute();
    }

    /** Ends the run, if any, without a message: a matrix replaces it. */
    private void endRun() {
        RunAttempt attempt = current;
        if (attempt != null && !attempt.finished) {
            attempt.stopRequested = true;
            attempt.finish(null);
            attempt.abandoned();
        }
    }

    private void stopRun() {
        RunAttempt attempt = current;
        if (attempt == null || attempt.finished) {
            sendPhase(RunPhase.STOPPED);
            return;
        }
        attempt.stopRequested = true;
        AgentChannel channel = attempt.channel;
        if (channel == null || !attempt.started()) {
            // Still compiling or queued, or the sandbox has not been sent the program: the agent has nothing to stop.
            attempt.finish(null);
            sendPhase(RunPhase.STOPPED);
            return;
        }
        try {
            channel.send(RunJson.write(new AgentCommand.Stop()));
            // The agent answers with phase "stopped" and exits; if it does not, it is killed.
            timers().schedule(() -> {
                if (!attempt.finished) {
                    attempt.finish(null); // first: a check's verdict goes before the final phase
                    sendPhase(RunPhase.STOPPED);
                }
            }, STOP_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            attempt.finish(null);
            sendPhase(RunPhase.STOPPED);
        }
    }

    private RunSettings settings() {
        return services.settings();
    }

    /** The client on the other end, whose budgets and share of the sandboxes its runs count against. */
    Client who() {
        return who;
    }

    RunMetrics metrics() {
        return services.metrics();
    }

    SandboxBackend backend() {
        return services.backend();
    }

    ExecutorService workers() {
        return services.workers();
    }

    ScheduledExecutorService timers() {
        return services.timers();
    }

    /** A stream message of the agent's (event, printk, map, dropped) on its way to the browser. */
    void stream(ServerMessage message) {
        client.stream(RunJson.write(message));
        if (message instanceof ServerMessage.Event) {
            feed.event();
        }
    }

    /** The current attempt ended: its final event count for whoever watches; the idle clock starts again. */
    void runEnded() {
        lastActive = System.nanoTime();
        feed.runEnded();
    }

    void sendQueued(int position) {
        control(ServerMessage.Phase.queued(position));
    }

    void sendPhase(RunPhase phase) {
        control(ServerMessage.Phase.of(phase));
    }

    void sendError(String text) {
        control(new ServerMessage.Error(text));
    }

    /** A control message from the server itself (not the agent): to the client and to activity watchers. */
    void control(ServerMessage message) {
        RunAttempt attempt = current;
        if (attempt != null) {
            attempt.observe(message);
        }
        client.control(RunJson.write(message));
        feed.control(message);
    }

    /** Ends the run, if any, and sends nothing more: the connection closed, or its client stopped reading. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RunAttempt attempt = current;
        if (attempt != null) {
            attempt.stopRequested = true;
            attempt.finish(null);
            attempt.abandoned();
        }
        compileOnly.close();
        matrices.close();
        client.close();
        inbox.close();
        feed.closed();
    }
}
