package dev.bpflab.runs;

import dev.bpflab.lessons.CheckRun;
import dev.bpflab.lessons.StepCheck;
import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.AgentMessage;
import dev.bpflab.protocol.ClientMessage;
import dev.bpflab.protocol.ProtocolException;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.RunPhase;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.sandbox.AgentListener;
import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.sandbox.SandboxException;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One browser connection on {@code /ws/run}: at most one run at a time, each in a fresh sandbox.
 * States: idle → queued → running (the agent reports compiling/loading/attached) → idle. A run ends on stop, on a
 * new run, on the connection closing, when the agent dies, or at its time limit; its sandbox is destroyed then.
 * A message is decoded and checked whole ({@link RunJson#client}) before anything running is touched.
 */
final class RunSession implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RunSession.class);
    private static final long STOP_GRACE_MS = 5000;
    private static final long EVENT_REPORT_MS = 500;

    private final SandboxBackend backend;
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
    private Attempt current;

    /** One Run press, from queueing to the sandbox's end. */
    private final class Attempt implements AgentListener {
        volatile AgentChannel channel;
        volatile boolean finished;
        volatile boolean stopRequested;
        volatile boolean attached;
        /** The lesson check running on this attempt, if any: it sees every message the agent streams. */
        volatile CheckRun check;
        /** The task that waits in the admission queue and takes a sandbox; cancelled when the run ends first. */
        volatile Future<?> launch;
        ScheduledFuture<?> deadline;

        @Override
        public void onLine(String line) {
            AgentMessage decoded;
            try {
                decoded = RunJson.agent(line);
            } catch (ProtocolException e) {
                // Untrusted: a learner's program shares the guest with the agent. What is not the contract is dropped.
                LOG.debugf("agent line refused (%s)", e.getMessage());
                return;
            }
            if (!(decoded instanceof ServerMessage message)) {
                return; // ready / warm: between backend and agent only
            }
            CheckRun running = check;
            if (running != null) {
                running.offer(message);
            }
            if (message.isStream()) {
                client.stream(RunJson.write(message));
                if (message instanceof ServerMessage.Event) {
                    countEvent();
                }
                return;
            }
            if (message instanceof ServerMessage.Phase phase && phase.phase() == RunPhase.ATTACHED) {
                attached = true; // before the client hears it: its next message may be a check
            }
            if (message instanceof ServerMessage.Phase phase && phase.phase().isFinal()) {
                finish(null); // before the phase is relayed: a check's verdict comes first, nothing of a run after it
            }
            client.control(RunJson.write(message));
            publish(RunActivity.message(id, learner, message, eventCount.get()));
        }

        @Override
        public void onExit(String reason) {
            finish(finished || stopRequested ? null : "the sandbox ended unexpectedly (" + reason + ")");
        }

        /** Ends this attempt once: tells the client why (when it was not a normal end) and destroys the sandbox. */
        void finish(String error) {
            synchronized (this) {
                if (finished) {
                    return;
                }
                finished = true;
            }
            if (deadline != null) {
                deadline.cancel(false);
            }
            Future<?> waiting = launch;
            if (channel == null && waiting != null) {
                waiting.cancel(true); // still in the admission queue: leave it, take no sandbox
            }
            CheckRun running = check;
            if (running != null) {
                running.runEnded();
            }
            if (error != null) {
                sendError(error);
                sendPhase(RunPhase.FAILED);
            }
            AgentChannel c = channel;
            if (c != null) {
                workers.submit(c::close);
            }
            reportEvents();
        }
    }

    RunSession(String id, String learner, SandboxBackend backend, RunSettings settings, ExecutorService workers,
            ScheduledExecutorService timers, SourceResolver sources, CheckResolver checks, Consumer<String> sender,
            Consumer<RunActivity> activity) {
        this.checks = checks;
        this.id = id;
        this.learner = learner;
        this.activity = activity;
        this.backend = backend;
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
        Attempt attempt = current;
        if (attempt == null || attempt.finished || !attempt.attached) {
            control(CheckRun.notRunning(message));
            return;
        }
        CheckRun previous = attempt.check;
        if (previous != null && !previous.finished()) {
            sendError("a check is already running; wait for its result");
            return;
        }
        CheckRun run = new CheckRun(message, check, timers, command -> attempt.channel.send(RunJson.write(command)),
                this::control);
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
        AgentCommand.Start request = new AgentCommand.Start(source, timeout, message.globals(), null, null);
        if (current != null && !current.finished) {
            current.stopRequested = true;
            current.finish(null);
        }
        Attempt attempt = new Attempt();
        current = attempt;
        eventCount.set(0);
        publish(RunActivity.run(id, learner, source));
        sendQueued(0);
        attempt.launch = workers.submit(() -> launch(attempt, request));
    }

    private void launch(Attempt attempt, AgentCommand.Start request) {
        AgentChannel channel;
        try {
            channel = backend.acquire(position -> {
                if (position > 0 && !attempt.finished) {
                    sendQueued(position);
                }
            });
        } catch (SandboxException e) {
            attempt.finish(e.getMessage());
            return;
        } catch (InterruptedException e) {
            // Stopped or replaced while it waited in the queue (finish cancelled us), or the server is stopping.
            attempt.finish(attempt.finished ? null : "the server is shutting down");
            return;
        }
        attempt.channel = channel;
        if (attempt.finished) {
            channel.close(); // stopped or replaced between being admitted and getting here
            return;
        }
        control(new ServerMessage.Sandbox(backend.name(), channel.describe()));
        channel.listen(attempt);
        int timeoutSeconds = request.timeoutSeconds();
        // The agent enforces the limit itself; this one also covers an agent that hangs.
        attempt.deadline = timers.schedule(() -> attempt.finish("the run reached its time limit of " + timeoutSeconds
                + " s and was stopped"), timeoutSeconds + 10L, TimeUnit.SECONDS);
        try {
            channel.send(RunJson.write(request));
        } catch (IOException e) {
            attempt.finish("could not reach the sandbox: " + e.getMessage());
        }
    }

    private void forwardWorkload(ClientMessage.Workload message) {
        String name = message.name().wireName();
        Attempt attempt = current;
        if (attempt == null || attempt.finished || attempt.channel == null) {
            sendError("start a run first: workload '" + name + "' makes the kernel fire while your program is attached");
            return;
        }
        try {
            attempt.channel.send(RunJson.write(new AgentCommand.Workload(message.name())));
        } catch (IOException e) {
            sendError("could not reach the sandbox: " + e.getMessage());
        }
    }

    private void stopRun() {
        Attempt attempt = current;
        if (attempt == null || attempt.finished) {
            sendPhase(RunPhase.STOPPED);
            return;
        }
        attempt.stopRequested = true;
        AgentChannel channel = attempt.channel;
        if (channel == null) {
            attempt.finish(null); // still queued: leave the queue
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

    private void sendQueued(int position) {
        control(ServerMessage.Phase.queued(position));
    }

    private void sendPhase(RunPhase phase) {
        control(ServerMessage.Phase.of(phase));
    }

    private void sendError(String text) {
        control(new ServerMessage.Error(text));
    }

    /** A control message from the server itself (not the agent): to the client and to activity watchers. */
    private void control(ServerMessage message) {
        client.control(RunJson.write(message));
        publish(RunActivity.message(id, learner, message, eventCount.get()));
    }

    @Override
    public synchronized void close() {
        if (current != null) {
            current.stopRequested = true;
            current.finish(null);
        }
        client.close();
        publish(RunActivity.closed(id, learner));
    }
}
