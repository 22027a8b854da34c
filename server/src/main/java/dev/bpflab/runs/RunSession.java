package dev.bpflab.runs;

import dev.bpflab.compiler.CompileException;
import dev.bpflab.compiler.HostCompiler;
import dev.bpflab.compiler.TargetKernel;
import dev.bpflab.lessons.CheckRun;
import dev.bpflab.metrics.RunMetrics;
import dev.bpflab.lessons.StepCheck;
import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.ClientMessage;
import dev.bpflab.protocol.ProtocolException;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.RunPhase;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.sandbox.SandboxException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One browser connection on {@code /ws/run}: at most one run at a time ({@link RunAttempt}), each in a fresh
 * sandbox. A run is compiled here while its sandbox is taken; the agent then reports loading/attached. A run ends on
 * stop, on a new run, on the connection closing, when the agent dies, or at its time limit; its sandbox is
 * destroyed then. A message is decoded and checked whole ({@link RunJson#client}) before anything running is touched.
 */
final class RunSession implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RunSession.class);
    private static final long STOP_GRACE_MS = 5000;
    private static final long EVENT_REPORT_MS = 500;

    private final SandboxBackend backend;
    private final HostCompiler compiler;
    private final RunMetrics metrics;
    private final RunSettings settings;
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final SourceResolver sources;
    private final CheckResolver checks;
    private final ClientStream client;
    private final String id;
    private final String learner;
    private final Consumer<RunActivity> activity;
    private final AtomicLong eventCount = new AtomicLong();
    private volatile long lastEventReport;
    private RunAttempt current;

    RunSession(String id, String learner, SandboxBackend backend, HostCompiler compiler, RunMetrics metrics,
            RunSettings settings, ExecutorService workers,
            ScheduledExecutorService timers, SourceResolver sources, CheckResolver checks, Consumer<String> sender,
            Consumer<RunActivity> activity) {
        this.checks = checks;
        this.id = id;
        this.learner = learner;
        this.activity = activity;
        this.backend = backend;
        this.compiler = compiler;
        this.metrics = metrics;
        this.settings = settings;
        this.workers = workers;
        this.timers = timers;
        this.sources = sources;
        this.client = new ClientStream(id, sender);
    }

    synchronized void onMessage(String text) {
        if (text.length() > settings.maxMessageBytes()) {
            sendError("the message is " + text.length() + " bytes; the limit is " + settings.maxMessageBytes()
                    + ". Shorten the program.");
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
            forwardWorkload(workload);
        } else if (message instanceof ClientMessage.Check check) {
            startCheck(check);
        } else if (message instanceof ClientMessage.Stop) {
            stopRun();
        }
    }

    /** Grades the attached program on what the step's (or the template's) workloads make it do. */
    private void startCheck(ClientMessage.Check message) {
        StepCheck check;
        try {
            check = checks.resolve(message);
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
        CheckRun run = new CheckRun(message, check, timers, attempt::send, this::control);
        attempt.check = run;
        run.start();
    }

    private void startRun(ClientMessage.Run message) {
        // Everything is checked before the running program is touched: a bad request leaves it running.
        String source;
        try {
            source = sources.resolve(message);
        } catch (IllegalArgumentException e) {
            sendError(e.getMessage());
            return;
        }
        int timeout = message.timeoutSeconds() == null ? settings.defaultTimeoutSeconds() : message.timeoutSeconds();
        if (timeout > settings.maxTimeoutSeconds()) {
            sendError("timeoutSeconds must be between 1 and " + settings.maxTimeoutSeconds() + ", was " + timeout);
            return;
        }
        if (current != null && !current.finished) {
            current.stopRequested = true;
            current.finish(null);
            current.abandoned();
        }
        RunAttempt attempt = new RunAttempt(this, source, timeout, message.globals());
        current = attempt;
        eventCount.set(0);
        publish(RunActivity.run(id, learner, source));
        sendPhase(RunPhase.COMPILING);
        // Both at once: the compile on this host, and the wait for a sandbox (which may be woken meanwhile).
        CompletableFuture.supplyAsync(this::targetKernel, workers)
                .thenCompose(target -> compiler.compile(source, target))
                .whenComplete(attempt::compiled);
        attempt.launch = workers.submit(attempt::acquire);
    }

    /** The sandbox backend's kernel; waits while a VM backend prepares its image. */
    private TargetKernel targetKernel() {
        try {
            return backend.targetKernel();
        } catch (SandboxException e) {
            throw new CompletionException(new CompileException(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(new CompileException("the server is shutting down"));
        }
    }

    private void forwardWorkload(ClientMessage.Workload message) {
        String name = message.name().wireName();
        RunAttempt attempt = current;
        if (attempt == null || attempt.finished || attempt.channel == null) {
            sendError("start a run first: workload '" + name + "' makes the kernel fire while your program is attached");
            return;
        }
        try {
            attempt.send(new AgentCommand.Workload(message.name()));
        } catch (IOException e) {
            sendError("could not reach the sandbox: " + e.getMessage());
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
            timers.schedule(() -> {
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

    RunMetrics metrics() {
        return metrics;
    }

    SandboxBackend backend() {
        return backend;
    }

    ExecutorService workers() {
        return workers;
    }

    ScheduledExecutorService timers() {
        return timers;
    }

    /** A stream message of the agent's (event, printk, map, dropped) on its way to the browser. */
    void stream(ServerMessage message) {
        client.stream(RunJson.write(message));
        if (message instanceof ServerMessage.Event) {
            countEvent();
        }
    }

    /** The current attempt ended: its final event count for whoever watches. */
    void runEnded() {
        reportEvents();
    }

    private void countEvent() {
        eventCount.incrementAndGet();
        long now = System.currentTimeMillis();
        if (now - lastEventReport >= EVENT_REPORT_MS) {
            lastEventReport = now;
            reportEvents();
        }
    }

    private void reportEvents() {
        publish(RunActivity.events(id, learner, eventCount.get()));
    }

    private void publish(RunActivity what) {
        try {
            activity.accept(what);
        } catch (RuntimeException e) {
            LOG.debugf(e, "a run activity listener failed");
        }
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
        publish(RunActivity.message(id, learner, message, eventCount.get()));
    }

    @Override
    public synchronized void close() {
        if (current != null) {
            current.stopRequested = true;
            current.finish(null);
            current.abandoned();
        }
        client.close();
        publish(RunActivity.closed(id, learner));
    }
}
