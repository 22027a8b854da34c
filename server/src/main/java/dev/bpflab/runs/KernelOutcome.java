package dev.bpflab.runs;

import dev.bpflab.compiler.CompileResult;
import dev.bpflab.protocol.Diagnostic;
import dev.bpflab.protocol.LoadedProgram;
import dev.bpflab.protocol.MatrixRows;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.sandbox.Kernel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one kernel of a matrix came to, gathered as it happens and made into its {@link ServerMessage.MatrixRow}. It is
 * fed only messages its {@link AgentLineFilter} let through, which are still an untrusted agent's: everything kept is
 * bounded (the first diagnostics and events, one snapshot per map, a handful of maps, an event's size). Thread-safe.
 */
final class KernelOutcome {
    /** An event longer than this (its JSON, in characters) is counted but not sampled. */
    static final int MAX_SAMPLED_EVENT_CHARS = 4096;
    private static final Pattern PROCESSED = Pattern.compile("processed (\\d{1,7}) insns");

    private final Kernel kernel;
    private MatrixRows.Compile compile; // guarded by this
    private final List<Diagnostic> diagnostics = new ArrayList<>(); // guarded by this
    private MatrixRows.Verifier verifier; // guarded by this
    private Long processed; // guarded by this
    private boolean loading; // guarded by this
    private MatrixRows.Attach attach; // guarded by this
    private String error; // guarded by this
    private long events; // guarded by this
    private boolean windowClosed; // events and maps after the collection are not the row's; guarded by this
    private final List<ServerMessage.Event> sample = new ArrayList<>(); // guarded by this
    private final Map<String, ServerMessage.MapSnapshot> maps = new LinkedHashMap<>(); // guarded by this

    KernelOutcome(Kernel kernel) {
        this.kernel = kernel;
    }

    /** The host's compile for this kernel ended with {@code result}. */
    synchronized void compiled(CompileResult result) {
        compile = result.succeeded() ? MatrixRows.Compile.OK : MatrixRows.Compile.FAILED;
        if (!result.succeeded()) {
            keep(result.diagnostics());
        }
    }

    /**
     * The program needs what this kernel was probed without ({@code why}: the kernel diagnostics on their lines, as a
     * run on it gets them): it is not compiled for it, and its row says so in the compile's place.
     */
    synchronized void lacks(List<Diagnostic> why) {
        compile = MatrixRows.Compile.FAILED;
        keep(why);
    }

    /** The compiler could not run at all for this kernel ({@code why}: the lab's preparation failed, clang broke). */
    synchronized void notCompiled(String why) {
        compile = MatrixRows.Compile.FAILED;
        failed(why);
    }

    /**
     * One message of the agent's, as its filter let it through: phases, verifier diagnostics, events, map snapshots,
     * the loaded programs' answer, errors and failed workloads make the row; anything else is not the matrix's.
     */
    synchronized void agentSaid(ServerMessage message) {
        if (message instanceof ServerMessage.Phase phase) {
            switch (phase.phase()) {
                case LOADING -> loading = true;
                case ATTACHED -> {
                    verifier = MatrixRows.Verifier.ACCEPTED;
                    attach = MatrixRows.Attach.ATTACHED;
                }
                case FAILED -> {
                    if (loading && verifier == null) {
                        attach = MatrixRows.Attach.FAILED; // the load or the attach failed, not the verifier
                    }
                }
                default -> {
                }
            }
        } else if (message instanceof ServerMessage.Diagnostics said) {
            // The agent's verify diagnostics name the program the verifier rejected; other load failures name none.
            if (said.program() != null && !said.program().isEmpty()) {
                verifier = MatrixRows.Verifier.REJECTED;
                Matcher m = PROCESSED.matcher(said.log());
                Long counted = null;
                while (m.find()) {
                    counted = Long.parseLong(m.group(1)); // the last: the verifier's own summary line
                }
                processed = counted;
            }
            keep(said.items());
        } else if (windowClosed
                && (message instanceof ServerMessage.Event || message instanceof ServerMessage.MapSnapshot)) {
            return; // came while the loaded view was still awaited
        } else if (message instanceof ServerMessage.Event event) {
            events++;
            if (sample.size() < MatrixRows.MAX_SAMPLE
                    && RunJson.write((ServerMessage) event).length() <= MAX_SAMPLED_EVENT_CHARS) {
                sample.add(event);
            }
        } else if (message instanceof ServerMessage.MapSnapshot snapshot) {
            if (maps.containsKey(snapshot.name()) || maps.size() < MatrixRows.MAX_MAPS) {
                maps.put(snapshot.name(), snapshot);
            }
        } else if (message instanceof ServerMessage.LoadedPrograms loaded) {
            List<Long> counts = loaded.programs().stream().map(LoadedProgram::processed).filter(Objects::nonNull)
                    .toList();
            if (!counts.isEmpty()) {
                processed = counts.stream().mapToLong(Long::longValue).sum();
            }
        } else if (message instanceof ServerMessage.Error said) {
            failed(said.message());
        } else if (message instanceof ServerMessage.WorkloadResult answer && !answer.ok()) {
            failed("the workload " + answer.name() + " failed: " + answer.detail());
        }
    }

    /** The collection window ended: events and map snapshots that still come are not counted. */
    synchronized void closeWindow() {
        windowClosed = true;
    }

    /** What went wrong, in a sentence: the first thing said is kept, it is usually the cause of the rest. */
    synchronized void failed(String why) {
        if (error == null && why != null && !why.isBlank()) {
            error = why;
        }
    }

    /** The row as it stands. */
    synchronized ServerMessage.MatrixRow row() {
        return new ServerMessage.MatrixRow(kernel.id(), kernel.name(), kernel.release(),
                compile == null ? MatrixRows.Compile.FAILED : compile, diagnostics, verifier, processed, attach, error,
                events, sample, new ArrayList<>(maps.values()));
    }

    private void keep(List<Diagnostic> items) {
        for (Diagnostic item : items) {
            if (diagnostics.size() < MatrixRows.MAX_DIAGNOSTICS) {
                diagnostics.add(item);
            }
        }
    }
}
