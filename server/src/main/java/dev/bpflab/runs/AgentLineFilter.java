package dev.bpflab.runs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.metrics.RunMetrics;
import dev.bpflab.metrics.RunMetrics.AgentLineDrop;
import dev.bpflab.protocol.AgentMessage;
import dev.bpflab.protocol.DiagnosticHints;
import dev.bpflab.protocol.ProtocolException;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.RunPhase;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.protocol.Workload;
import dev.bpflab.sandbox.AgentChannel;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * What the server accepts from one run's agent, line by line (docs/run-contract.md, "Agent → server"). Everything an
 * agent writes is untrusted: a learner's program runs beside it. A line is passed on only when it is a message the
 * agent may send in the state the run is in:
 * <ul>
 * <li>at most {@link AgentChannel#MAX_LINE_BYTES} long, JSON, and one of the agent's message types (never a check
 *     result, {@code checking} or {@code sandbox}: those are the server's);</li>
 * <li>a phase only forward through the agent's phases (loading → attached → stopped or failed), each once;</li>
 * <li>verifier diagnostics once, while loading; events, printk lines, map snapshots and drop counts only while
 *     loading or attached;</li>
 * <li>a workload answer only for a workload the server asked this agent for and that has not been answered yet,
 *     under the same name: one answer per request;</li>
 * <li>an iterator's output only while attached, for a read the agent made at attach (read 1) or the server asked for
 *     (one more per {@code read_iterator} sent), at most {@link ServerMessage#MAX_ITERATOR_PROGRAMS} per read;</li>
 * <li>a map write's answer ({@code map_written}) only for a write the server sent and that has not been answered;</li>
 * <li>a loaded-program answer ({@code loaded_programs}) only for a {@code read_loaded} the server sent and that has not
 *     been answered;</li>
 * <li>at most {@link #MAX_ERRORS} errors.</li>
 * </ul>
 * Of a diagnostic's hint only the kind is kept: its texts are the server's catalogue's ({@link DiagnosticHints}).
 * Anything else is dropped and counted in {@code bpflab_agent_lines_dropped_total{reason}}; the first drop of a run is
 * logged as one warning, the rest only counted, so a flood cannot flood the log. Thread-safe: the agent's reader and
 * the threads that send it workloads share it.
 */
final class AgentLineFilter {
    private static final Logger LOG = Logger.getLogger(AgentLineFilter.class);
    /** Errors one run's agent may send; an honest run sends a few at most. */
    static final int MAX_ERRORS = 16;
    private static final int PREVIEW_CHARS = 80;
    private static final Set<RunPhase> AGENT_PHASES =
            Set.of(RunPhase.LOADING, RunPhase.ATTACHED, RunPhase.STOPPED, RunPhase.FAILED);
    /** Types of the contract the server sends but an agent never does. */
    private static final List<String> SERVER_ONLY = RunJson.types(ServerMessage.class).stream()
            .filter(t -> !RunJson.types(AgentMessage.class).contains(t)).toList();

    private final Supplier<String> sandbox;
    private final RunMetrics metrics;
    private final Runnable firstOversize;
    private final Map<Workload, Integer> awaited = new EnumMap<>(Workload.class); // guarded by this
    /** Outputs accepted per read number; reads 1 (at attach) to {@code 1 + iteratorReads} may come. */
    private final Map<Integer, Integer> iteratorOutputs = new HashMap<>(); // guarded by this
    private int iteratorReads; // guarded by this
    private int mapWrites; // map writes sent and not answered yet; guarded by this
    private int loadedReads; // read_loaded requests sent and not answered yet; guarded by this
    private RunPhase phase; // the agent's last phase, null before its first; guarded by this
    private boolean diagnosed; // guarded by this
    private int errors; // guarded by this
    private long dropped; // guarded by this
    private boolean oversized; // guarded by this

    /**
     * @param sandbox       where the agent runs, for the log ("local agent pid 1234"); asked at the first drop
     * @param firstOversize called once, at the run's first line dropped for its size (the learner is told; a very
     *                      large event or map can cause it)
     */
    AgentLineFilter(Supplier<String> sandbox, RunMetrics metrics, Runnable firstOversize) {
        this.sandbox = sandbox;
        this.metrics = metrics;
        this.firstOversize = firstOversize;
    }

    /** The server is about to ask the agent for {@code workload}: one answer named so is now expected. */
    synchronized void requested(Workload workload) {
        awaited.merge(workload, 1, Integer::sum);
    }

    /** The server is about to ask the agent to read its iterators again: one more read's outputs may come. */
    synchronized void iteratorReadRequested() {
        iteratorReads++;
    }

    /** The server is about to send the agent a map write: one {@code map_written} answer may come. */
    synchronized void mapWriteRequested() {
        mapWrites++;
    }

    /** The server is about to send the agent a {@code read_loaded}: one {@code loaded_programs} answer may come. */
    synchronized void loadedReadRequested() {
        loadedReads++;
    }

    /** Lines dropped so far in this run. */
    synchronized long dropped() {
        return dropped;
    }

    /** A line the channel threw away unread because it was longer than its bound. */
    void oversize() {
        boolean first;
        synchronized (this) {
            first = !oversized;
            oversized = true;
            drop(AgentLineDrop.OVERSIZE, "(a line longer than " + (AgentChannel.MAX_LINE_BYTES >> 20) + " MiB)");
        }
        if (first) {
            firstOversize.run();
        }
    }

    /** The line's message if the agent may send it now; null when it was dropped (and counted). */
    ServerMessage accept(String line) {
        if (line.length() > AgentChannel.MAX_LINE_BYTES) {
            oversize();
            return null;
        }
        AgentMessage decoded;
        try {
            decoded = RunJson.agent(line);
        } catch (ProtocolException e) {
            synchronized (this) {
                drop(isServerOnly(line) ? AgentLineDrop.SERVER_ONLY : AgentLineDrop.MALFORMED, line);
            }
            return null;
        }
        synchronized (this) {
            AgentLineDrop refusal = refusal(decoded);
            if (refusal != null) {
                drop(refusal, line);
                return null;
            }
            if (decoded instanceof ServerMessage.Diagnostics diagnostics) {
                return trustedHints(diagnostics);
            }
            return (ServerMessage) decoded; // refusal() let through only messages that are also the browser's
        }
    }

    /** Why {@code message} may not come now (null: it may), and the state it moves the run to when it may. */
    private AgentLineDrop refusal(AgentMessage message) {
        if (message instanceof ServerMessage.Phase said) {
            if (!AGENT_PHASES.contains(said.phase())) {
                return AgentLineDrop.SERVER_ONLY; // compiling and queued are the server's to say
            }
            if (phase != null && (phase.isFinal() || said.phase().ordinal() <= phase.ordinal())) {
                return AgentLineDrop.OUT_OF_ORDER;
            }
            phase = said.phase();
            return null;
        }
        if (message instanceof ServerMessage.Diagnostics diagnostics) {
            if (!"verify".equals(diagnostics.stage())) {
                // compile diagnostics come from the server's compiler, kernel ones from the server's probes
                return AgentLineDrop.SERVER_ONLY;
            }
            if (phase != RunPhase.LOADING || diagnosed) {
                return AgentLineDrop.OUT_OF_ORDER;
            }
            diagnosed = true;
            return null;
        }
        if (message instanceof ServerMessage.WorkloadResult answer) {
            Workload workload = Workload.fromWire(answer.name()).orElse(null);
            Integer waiting = workload == null ? null : awaited.get(workload);
            if (waiting == null) {
                return AgentLineDrop.UNREQUESTED;
            }
            if (waiting == 1) {
                awaited.remove(workload);
            } else {
                awaited.put(workload, waiting - 1);
            }
            return null;
        }
        if (message instanceof ServerMessage.IteratorOutput output) {
            if (phase != RunPhase.ATTACHED || output.read() > 1 + iteratorReads
                    || iteratorOutputs.getOrDefault(output.read(), 0) >= ServerMessage.MAX_ITERATOR_PROGRAMS) {
                return AgentLineDrop.UNREQUESTED;
            }
            iteratorOutputs.merge(output.read(), 1, Integer::sum);
            return null;
        }
        if (message instanceof ServerMessage.MapWritten) {
            if (mapWrites == 0) {
                return AgentLineDrop.UNREQUESTED;
            }
            mapWrites--;
            return null;
        }
        if (message instanceof ServerMessage.LoadedPrograms) {
            if (loadedReads == 0) {
                return AgentLineDrop.UNREQUESTED;
            }
            loadedReads--;
            return null;
        }
        if (message instanceof ServerMessage.Error) {
            return ++errors > MAX_ERRORS ? AgentLineDrop.EXCESS : null;
        }
        if (message instanceof ServerMessage.Dropped || message instanceof ServerMessage said && said.isStream()) {
            return phase == RunPhase.LOADING || phase == RunPhase.ATTACHED ? null : AgentLineDrop.OUT_OF_ORDER;
        }
        return AgentLineDrop.OUT_OF_ORDER; // ready, warm, features: said before a run or instead of one, never in it
    }

    /**
     * {@code diagnostics} with each hint's texts from the server's own catalogue: of an agent's hint only the kind is
     * believed (an unknown kind drops the hint), so no text a sandbox made up reaches the page as a hint.
     */
    private static ServerMessage.Diagnostics trustedHints(ServerMessage.Diagnostics diagnostics) {
        return new ServerMessage.Diagnostics(diagnostics.stage(), diagnostics.items().stream()
                .map(DiagnosticHints::withCatalogueTexts).toList(), diagnostics.log(), diagnostics.truncated(),
                diagnostics.program(), diagnostics.logCut());
    }

    /** Counts a drop; the run's first is also logged, with the start of the line (control characters masked). */
    private void drop(AgentLineDrop reason, String line) {
        metrics.agentLineDropped(reason);
        if (dropped++ == 0) {
            LOG.warnf("dropped a line from the agent in %s (%s): %s; further dropped lines of this run are only "
                    + "counted in bpflab_agent_lines_dropped_total", sandbox.get(), reason.tag(), preview(line));
        }
    }

    /** Whether {@code line} is a JSON object whose type only the server may send. Only called on refused lines. */
    private static boolean isServerOnly(String line) {
        try {
            JsonNode type = RunJson.mapper().readTree(line).path("type");
            return type.isTextual() && SERVER_ONLY.contains(type.asText());
        } catch (JsonProcessingException | RuntimeException e) {
            return false;
        }
    }

    static String preview(String line) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < line.length() && i < PREVIEW_CHARS; i++) {
            char c = line.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return line.length() > PREVIEW_CHARS ? out.append('…').toString() : out.toString();
    }
}
