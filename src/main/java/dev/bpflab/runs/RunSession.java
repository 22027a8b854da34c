package dev.bpflab.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bpflab.lessons.CheckRun;
import dev.bpflab.lessons.Lesson;
import dev.bpflab.lessons.LessonCatalog;
import dev.bpflab.lessons.StepCheck;
import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.sandbox.AgentListener;
import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.sandbox.SandboxException;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One browser connection on {@code /ws/run}: at most one run at a time, each in a fresh sandbox.
 * States: idle → queued → running (the agent reports compiling/loading/attached) → idle. A run ends on stop, on a
 * new run, on the connection closing, when the agent dies, or at its time limit; its sandbox is destroyed then.
 */
final class RunSession implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RunSession.class);
    private static final Set<String> STREAM_TYPES = Set.of("event", "printk", "map");
    private static final Set<String> FINAL_PHASES = Set.of("stopped", "failed");
    private static final long STOP_GRACE_MS = 5000;

    private final ObjectMapper json;
    private final SandboxBackend backend;
    private final RunSettings settings;
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final SourceResolver sources;
    private final LessonCatalog lessons;
    private final ClientStream client;
    private final String id;
    private final String learner;
    private final Consumer<RunActivity> activity;
    private final java.util.concurrent.atomic.AtomicLong eventCount = new java.util.concurrent.atomic.AtomicLong();
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
        ScheduledFuture<?> deadline;

        @Override
        public void onLine(String line) {
            JsonNode message;
            try {
                message = json.readTree(line);
            } catch (IOException e) {
                LOG.debugf("agent said something that is not JSON: %s", line);
                return;
            }
            String type = message.path("type").asText();
            CheckRun running = check;
            if (running != null) {
                running.offer(message);
            }
            if (STREAM_TYPES.contains(type)) {
                client.stream(line);
                if ("event".equals(type)) {
                    countEvent();
                }
                return;
            }
            if ("phase".equals(type) && "attached".equals(message.path("phase").asText())) {
                attached = true; // before the client hears it: its next message may be a check
            }
            client.control(line);
            publish("message", null, message);
            if ("phase".equals(type) && FINAL_PHASES.contains(message.path("phase").asText())) {
                finish(null);
            }
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
            CheckRun running = check;
            if (running != null) {
                running.runEnded();
            }
            if (error != null) {
                sendError(error);
                sendPhase("failed");
            }
            AgentChannel c = channel;
            if (c != null) {
                workers.submit(c::close);
            }
        }
    }

    RunSession(String id, String learner, ObjectMapper json, SandboxBackend backend, RunSettings settings,
            ExecutorService workers, ScheduledExecutorService timers, SourceResolver sources, LessonCatalog lessons,
            Consumer<String> sender, Consumer<RunActivity> activity) {
        this.lessons = lessons;
        this.id = id;
        this.learner = learner;
        this.activity = activity;
        this.json = json;
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
        JsonNode message;
        try {
            message = json.readTree(text);
        } catch (IOException e) {
            sendError("that message is not JSON; send e.g. {\"type\":\"run\",\"source\":\"…\"}");
            return;
        }
        String type = message.path("type").asText("");
        switch (type) {
            case "run" -> startRun(message);
            case "workload" -> forwardWorkload(message);
            case "check" -> startCheck(message);
            case "stop" -> stopRun();
            default -> sendError("unknown message type '" + type + "': send run, workload, check or stop");
        }
    }

    /** {"type":"check","lesson","step","lang"}: grades the attached program on what the step's workloads make it do. */
    private void startCheck(JsonNode message) {
        String lessonId = message.path("lesson").asText("");
        Lesson lesson = lessons.find(lessonId).orElse(null);
        if (lesson == null) {
            sendError("there is no lesson '" + lessonId + "' to check; GET /api/lessons lists them");
            return;
        }
        JsonNode stepNode = message.path("step");
        int step = stepNode.isIntegralNumber() && stepNode.canConvertToInt() ? stepNode.asInt() : -1;
        StepCheck check = lesson.check(step);
        if (check == null) {
            sendError("step " + stepNode + " of lesson " + lessonId + " has no check; send the number (from 0) of a "
                    + "step that has one");
            return;
        }
        String lang = message.path("lang").asText("en");
        Attempt attempt = current;
        if (attempt == null || attempt.finished || !attempt.attached) {
            control(CheckRun.notRunning(json, lessonId, step, lang));
            return;
        }
        CheckRun previous = attempt.check;
        if (previous != null && !previous.finished()) {
            sendError("a check is already running; wait for its result");
            return;
        }
        CheckRun run = new CheckRun(lessonId, step, check, lang, json, timers, line -> attempt.channel.send(line),
                this::control);
        attempt.check = run;
        run.start();
    }

    private void startRun(JsonNode message) {
        String source;
        try {
            source = sources.resolve(message);
        } catch (IllegalArgumentException e) {
            sendError(e.getMessage());
            return;
        }
        int timeout = message.path("timeoutSeconds").asInt(settings.defaultTimeoutSeconds());
        if (timeout < 1 || timeout > settings.maxTimeoutSeconds()) {
            sendError("timeoutSeconds must be between 1 and " + settings.maxTimeoutSeconds() + ", was " + timeout);
            return;
        }
        if (current != null && !current.finished) {
            current.stopRequested = true;
            current.finish(null);
        }
        Attempt attempt = new Attempt();
        current = attempt;
        ObjectNode request = json.createObjectNode().put("type", "run").put("source", source)
                .put("timeoutSeconds", timeout);
        if (message.has("globals")) {
            if (!message.get("globals").isObject()) {
                sendError("\"globals\" must be an object of name → value, e.g. {\"target_pid\": 42}");
                return;
            }
            request.set("globals", message.get("globals"));
        }
        if (message.hasNonNull("xdpInterface")) {
            request.put("xdpInterface", message.get("xdpInterface").asText());
        }
        eventCount.set(0);
        publish("run", source, null);
        sendQueued(0);
        workers.submit(() -> launch(attempt, request, timeout));
    }

    private void launch(Attempt attempt, ObjectNode request, int timeoutSeconds) {
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
            Thread.currentThread().interrupt();
            attempt.finish("the server is shutting down");
            return;
        }
        attempt.channel = channel;
        if (attempt.finished) {
            channel.close(); // stopped or replaced while it waited in the queue
            return;
        }
        control(json.createObjectNode().put("type", "sandbox").put("backend", backend.name())
                .put("description", channel.describe()));
        channel.listen(attempt);
        // The agent enforces the limit itself; this one also covers an agent that hangs.
        attempt.deadline = timers.schedule(() -> attempt.finish("the run reached its time limit of " + timeoutSeconds
                + " s and was stopped"), timeoutSeconds + 10L, TimeUnit.SECONDS);
        try {
            channel.send(request.toString());
        } catch (IOException e) {
            attempt.finish("could not reach the sandbox: " + e.getMessage());
        }
    }

    private void forwardWorkload(JsonNode message) {
        String name = message.path("name").asText("");
        Attempt attempt = current;
        if (attempt == null || attempt.finished || attempt.channel == null) {
            sendError("start a run first: workload '" + name + "' makes the kernel fire while your program is attached");
            return;
        }
        try {
            attempt.channel.send(json.createObjectNode().put("type", "workload").put("name", name).toString());
        } catch (IOException e) {
            sendError("could not reach the sandbox: " + e.getMessage());
        }
    }

    private void stopRun() {
        Attempt attempt = current;
        if (attempt == null || attempt.finished) {
            sendPhase("stopped");
            return;
        }
        attempt.stopRequested = true;
        AgentChannel channel = attempt.channel;
        if (channel == null) {
            attempt.finish(null); // still queued: leave the queue
            sendPhase("stopped");
            return;
        }
        try {
            channel.send("{\"type\":\"stop\"}");
            // The agent answers with phase "stopped" and exits; if it does not, it is killed.
            timers.schedule(() -> {
                if (!attempt.finished) {
                    sendPhase("stopped");
                    attempt.finish(null);
                }
            }, STOP_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            sendPhase("stopped");
            attempt.finish(null);
        }
    }

    private void countEvent() {
        long count = eventCount.incrementAndGet();
        long now = System.currentTimeMillis();
        if (now - lastEventReport >= 500) {
            lastEventReport = now;
            activity.accept(new RunActivity(id, learner, "events", null, null, count));
        }
    }

    private void publish(String kind, String source, JsonNode message) {
        try {
            activity.accept(new RunActivity(id, learner, kind, source, message, eventCount.get()));
        } catch (RuntimeException e) {
            LOG.debugf(e, "a run activity listener failed");
        }
    }

    private void sendQueued(int position) {
        ObjectNode message = json.createObjectNode().put("type", "phase").put("phase", "queued");
        if (position > 0) {
            message.put("position", position);
        }
        control(message);
    }

    private void sendPhase(String phase) {
        control(json.createObjectNode().put("type", "phase").put("phase", phase));
    }

    private void sendError(String text) {
        control(json.createObjectNode().put("type", "error").put("message", text));
    }

    /** A control message from the server itself (not the agent): to the client and to activity watchers. */
    private void control(ObjectNode message) {
        client.control(message.toString());
        publish("message", null, message);
    }

    @Override
    public synchronized void close() {
        if (current != null) {
            current.stopRequested = true;
            current.finish(null);
        }
        client.close();
        publish("closed", null, null);
    }
}
