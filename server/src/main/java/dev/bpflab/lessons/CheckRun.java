package dev.bpflab.lessons;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.catalog.LocalizedText;
import dev.bpflab.grading.Effects;
import dev.bpflab.grading.Expectation;
import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.ClientMessage;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.protocol.Workload;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One press of Check on a lesson step, while the learner's program is attached: fires the step's workloads, watches
 * what the run streams (events, printk, map snapshots, workload answers, iterator outputs) and grades it. A step that
 * expects an iterator's output has the iterators read once the round's workloads have answered. A round is the workloads
 * fired once; while something is missing after a round has settled, another round fires, up to {@link #ROUNDS}.
 * Ends with exactly one {@code {"type":"check",…}} message, also when the run ends first.
 */
public final class CheckRun {
    /** A second round covers a lost packet or a late record; a learner waits for every round before hearing "not yet". */
    static final int ROUNDS = 2;
    /** After a round's last workload answered: time for ring buffer records and the next map snapshot (every 1 s). */
    static final long SETTLE_MS = 1500;
    /** A round whose workloads have not all answered by then failed (veth-traffic takes seconds under emulation). */
    static final long ROUND_LIMIT_MS = 30_000;

    /** Sends one command to the run's agent. */
    public interface AgentLink {
        void send(AgentCommand command) throws IOException;
    }

    private final ClientMessage.Check request;
    private final StepCheck check;
    private final String lang;
    private final ScheduledExecutorService timers;
    private final AgentLink agent;
    private final Consumer<ServerMessage> reply;
    private final Effects effects;
    private final List<String> failedWorkloads = new ArrayList<>();
    private int round;
    private int answersAwaited;
    private ScheduledFuture<?> timer;
    private boolean finished;

    /** {@code request} says what is checked (a lesson step or a template) and in which language. */
    public CheckRun(ClientMessage.Check request, StepCheck check, ScheduledExecutorService timers, AgentLink agent,
            Consumer<ServerMessage> reply) {
        this.request = request;
        this.check = check;
        this.lang = request.lang();
        this.timers = timers;
        this.agent = agent;
        this.reply = reply;
        this.effects = new Effects(check.expect().stream().map(StepCheck.Graded::expectation).toList());
    }

    public synchronized void start() {
        reply.accept(new ServerMessage.Checking(request.lesson(), request.step(), request.template(), check.workloads()));
        // The agent reads its commands in order and writes a map before it reads the next: the workloads see the entries.
        for (ClientMessage.MapUpdate write : check.mapWrites()) {
            try {
                agent.send(write);
            } catch (IOException e) {
                cancel(say("No se pudo hablar con el sandbox: ", "Could not reach the sandbox: ") + e.getMessage());
                return;
            }
        }
        nextRound();
    }

    public synchronized boolean finished() {
        return finished;
    }

    /** Every message the run's agent streams while the check is on. */
    public synchronized void offer(ServerMessage message) {
        if (finished) {
            return;
        }
        if (message instanceof ServerMessage.MapWritten written && !written.ok()) {
            cancel(say("El chequeo no pudo escribir en el mapa " + written.map() + " de tu programa: ",
                    "The check could not write your program's map " + written.map() + ": ") + written.detail());
            return;
        }
        ServerMessage.WorkloadResult answer = message instanceof ServerMessage.WorkloadResult result
                && check.workloads().contains(result.name()) ? result : null;
        if (answer != null && !answer.ok()) {
            failedWorkloads.add(answer.name() + ": " + answer.detail());
        }
        if (effects.offer(message)) {
            finish();
            return;
        }
        if (answer != null && --answersAwaited == 0) {
            readIteratorsIfExpected();
            schedule(SETTLE_MS, this::roundSettled);
        }
    }

    /** The run ended (stopped, failed, replaced) before the check could finish. */
    public void runEnded() {
        cancel(say("El programa dejó de correr antes de terminar el chequeo: presioná Correr y después Comprobar otra vez.",
                "Your program stopped before the check finished: press Run, then Check again."));
    }

    /** The answer to a Check pressed while no program is attached. */
    public static ServerMessage.CheckResult notRunning(ClientMessage.Check request) {
        String message = "es".equals(request.lang())
                ? "Primero presioná Correr: el chequeo dispara cargas de trabajo mientras tu programa está enganchado al kernel."
                : "Press Run first: the check fires workloads while your program is attached to the kernel.";
        return new ServerMessage.CheckResult(request.lesson(), request.step(), request.template(), false, message,
                List.of());
    }

    private synchronized void cancel(String why) {
        if (!finished) {
            finished = true;
            cancelTimer();
            reply.accept(result(false, why));
        }
    }

    private void nextRound() {
        round++;
        answersAwaited = check.workloads().size();
        schedule(ROUND_LIMIT_MS, () -> cancel(say(
                "Las cargas de trabajo " + check.workloads() + " no respondieron a tiempo; volvé a intentarlo.",
                "The workloads " + check.workloads() + " did not answer in time; try the check again.")));
        for (String workload : check.workloads()) {
            try {
                agent.send(new AgentCommand.Workload(Workload.fromWire(workload).orElseThrow()));
            } catch (IOException e) {
                cancel(say("No se pudo hablar con el sandbox: ", "Could not reach the sandbox: ") + e.getMessage());
                return;
            }
        }
    }

    /** An iterator prints only when read: read it now that the workloads have done what it should list. */
    private void readIteratorsIfExpected() {
        if (check.expect().stream().noneMatch(g -> g.expectation().needsIteratorRead())) {
            return;
        }
        try {
            agent.send(new AgentCommand.ReadIterator());
        } catch (IOException e) {
            cancel(say("No se pudo hablar con el sandbox: ", "Could not reach the sandbox: ") + e.getMessage());
        }
    }

    private synchronized void roundSettled() {
        if (finished) {
            return;
        }
        if (round < ROUNDS) {
            nextRound();
        } else {
            finish();
        }
    }

    private void finish() {
        finished = true;
        cancelTimer();
        boolean passed = effects.allMet();
        reply.accept(result(passed, summary(passed)));
    }

    private ServerMessage.CheckResult result(boolean passed, String message) {
        return new ServerMessage.CheckResult(request.lesson(), request.step(), request.template(), passed, message,
                details());
    }

    private String summary(boolean passed) {
        if (passed) {
            return text(check.passed());
        }
        List<StepCheck.Graded> missing = check.expect().stream().filter(g -> !effects.isMet(g.expectation())).toList();
        String first = text(missing.get(0).missing());
        String more = missing.size() > 1 ? say(" (y " + (missing.size() - 1) + " cosa(s) más, abajo)",
                " (and " + (missing.size() - 1) + " more, below)") : "";
        return first + more;
    }

    private List<ServerMessage.CheckResult.Detail> details() {
        List<ServerMessage.CheckResult.Detail> details = new ArrayList<>();
        for (StepCheck.Graded graded : check.expect()) {
            boolean met = effects.isMet(graded.expectation());
            details.add(new ServerMessage.CheckResult.Detail(met,
                    met ? say("Visto: ", "Seen: ") + describe(graded.expectation()) : text(graded.missing())));
        }
        for (String failure : failedWorkloads) {
            details.add(new ServerMessage.CheckResult.Detail(false,
                    say("Falló la carga de trabajo ", "The workload failed: ") + failure));
        }
        return details;
    }

    /** A short, language-neutral description of an expectation, for the ones that were met. */
    static String describe(Expectation expectation) {
        JsonNode spec = expectation.spec();
        return switch (expectation.type()) {
            case "event" -> "event " + spec.path("fields");
            case "printk" -> "printk \"" + spec.path("text").asText() + "\"";
            case "map" -> "map " + spec.path("name").asText() + (spec.has("key") ? "[" + spec.get("key") + "]" : "")
                    + " ≥ " + spec.path("minValue").asLong(1);
            case "iterator" -> "iterator " + spec.path("program").asText("") + " \"" + spec.path("text").asText() + "\"";
            default -> "workload " + spec.path("name").asText("") + (spec.has("detail") ? " \"" + spec.path("detail").asText()
                    + "\"" : "");
        };
    }

    private String text(LocalizedText text) {
        return "es".equals(lang) ? text.es() : text.en();
    }

    private String say(String es, String en) {
        return "es".equals(lang) ? es : en;
    }

    private void schedule(long millis, Runnable action) {
        cancelTimer();
        timer = timers.schedule(action, millis, TimeUnit.MILLISECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
