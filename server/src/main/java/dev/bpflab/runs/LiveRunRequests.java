package dev.bpflab.runs;

import dev.bpflab.api.RateLimiter;
import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.ClientMessage;
import dev.bpflab.protocol.ErrorCode;
import dev.bpflab.protocol.ServerMessage;
import java.io.IOException;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a connection asks of its attached run's sandbox besides running it: fire a workload, read the iterators again,
 * write a map, read the programs as loaded. Each is checked here first (a run attached, the rates) and refused with
 * the answer the page expects; what passes goes to the run's agent, whose answer streams back with the run's output.
 */
final class LiveRunRequests {
    static final int LOADED_READS_PER_MINUTE = 12;

    private final Supplier<RunAttempt> current;
    private final Consumer<ServerMessage> control;
    /** How often this connection may read the loaded program ({@code read_loaded}): each read costs the sandbox a
     * bpftool run and a second verification. */
    private final RateLimiter loadedReads = new RateLimiter(LOADED_READS_PER_MINUTE);

    /** {@code current}: the connection's run now (or null); {@code control}: sends the server's own answer. */
    LiveRunRequests(Supplier<RunAttempt> current, Consumer<ServerMessage> control) {
        this.current = current;
        this.control = control;
    }

    /** Fires the named workload in the attached run's sandbox; refused (with its code) before or after a run. */
    void workload(ClientMessage.Workload message) {
        String name = message.name().wireName();
        RunAttempt attempt = current.get();
        if (attempt == null || attempt.finished) {
            control.accept(new ServerMessage.Error("start a run first: workload '" + name + "' makes the kernel fire while your "
                    + "program is attached", ErrorCode.NO_RUN, Map.of("workload", name)));
            return;
        }
        if (!attempt.started()) {
            control.accept(new ServerMessage.Error("your program is not in its sandbox yet: fire workload '" + name
                    + "' once the run says it is attached", ErrorCode.NOT_ATTACHED_YET, Map.of("workload", name)));
            return;
        }
        try {
            attempt.send(new AgentCommand.Workload(message.name()));
        } catch (IOException e) {
            control.accept(new ServerMessage.Error("could not reach the sandbox: " + e.getMessage()));
        }
    }

    /** Asks the agent to read the program's iterators again, within the run's rate of reads. */
    void readIterator() {
        RunAttempt attempt = current.get();
        if (attempt == null || attempt.finished || !attempt.attached) {
            control.accept(new ServerMessage.Error("no program is attached to read: press Run first (an iterator program, "
                    + "SEC(\"iter/…\"), is read when it attaches and each time you read it again)",
                    ErrorCode.NOTHING_ATTACHED, Map.of()));
            return;
        }
        long wait = attempt.iteratorReads.acquire("run");
        if (wait > 0) {
            control.accept(new ServerMessage.Error("a run's iterators may be read again at most "
                    + attempt.iteratorReads.perMinute() + " times a minute: try again in " + wait + " s",
                    ErrorCode.TOO_MANY_READS, Map.of("most", attempt.iteratorReads.perMinute(), "wait", wait)));
            return;
        }
        try {
            attempt.send(new AgentCommand.ReadIterator());
        } catch (IOException e) {
            control.accept(new ServerMessage.Error("could not reach the sandbox: " + e.getMessage()));
        }
    }

    /**
     * Sends a map write to the attached program's agent, which answers with {@code map_written}; one the server
     * refuses (a map no snapshot named, too many writes a second) is answered here, the same way.
     */
    void writeMap(String map, String op, AgentCommand command) {
        RunAttempt attempt = current.get();
        if (attempt == null || attempt.finished || !attempt.attached) {
            control.accept(new ServerMessage.MapWritten(map, op, false, "no program is attached: press Run first (a map is "
                    + "written while its program runs)"));
            return;
        }
        ServerMessage.MapWritten refused = attempt.mapWrites.refusal(map, op);
        if (refused != null) {
            control.accept(refused);
            return;
        }
        try {
            attempt.send(command);
        } catch (IOException e) {
            control.accept(new ServerMessage.MapWritten(map, op, false, "could not reach the sandbox: " + e.getMessage()));
        }
    }

    /**
     * Asks the attached program's agent for the programs as the kernel holds them after load; answered with one
     * {@code loaded_programs}, the server's own (with a {@code problem}) when it refuses: no program attached, or more
     * than {@link #LOADED_READS_PER_MINUTE} requests a minute on this connection.
     */
    void readLoaded(ClientMessage.ReadLoaded read) {
        RunAttempt attempt = current.get();
        if (attempt == null || attempt.finished || !attempt.attached) {
            control.accept(ServerMessage.LoadedPrograms.refused("no program is attached: press Run, then read it once the "
                    + "run says attached"));
            return;
        }
        long wait = loadedReads.acquire("connection");
        if (wait > 0) {
            control.accept(ServerMessage.LoadedPrograms.refused("at most " + LOADED_READS_PER_MINUTE + " reads of the loaded "
                    + "program a minute per connection: try again in " + wait + " s"));
            return;
        }
        try {
            attempt.send(read);
        } catch (IOException e) {
            control.accept(ServerMessage.LoadedPrograms.refused("could not reach the sandbox: " + e.getMessage()));
        }
    }
}
