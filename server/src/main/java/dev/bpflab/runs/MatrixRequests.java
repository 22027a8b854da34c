package dev.bpflab.runs;

import dev.bpflab.limits.Client;
import dev.bpflab.limits.LimitException;
import dev.bpflab.limits.RunPass;
import dev.bpflab.protocol.ClientMessage;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.protocol.Workload;
import dev.bpflab.sandbox.Kernel;
import dev.bpflab.sandbox.Preparation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One connection's {@code run_all} requests (docs/run-contract.md, "run_all"): at most one matrix at a time
 * ({@link MatrixRun}), on every kernel of the backend that is ready; a second while one runs is refused (each holds a
 * sandbox per kernel: a client pressing again would only churn them). A request is checked whole (its program
 * resolved, the client's budgets asked) before the connection's run is touched; then that run ends and the matrix
 * starts. A matrix counts as one press against the client's budgets ({@code startRun}: runs a minute, runs
 * waiting); each of its kernels holds a live-run slot while it has a sandbox, so a client never holds more sandboxes
 * than its live-run budget: with a budget of 1 the kernels run one after another. Called on the session's thread.
 */
final class MatrixRequests {
    private final RunServices services;
    private final Client who;
    private final Consumer<ServerMessage> client;
    private final Runnable endRun;
    private volatile MatrixRun current;
    private volatile boolean closed;
    private final Consumer<String> pressed;

    /**
     * @param client where the matrix's messages (and a refusal) go
     * @param endRun ends the connection's run, if any, without a message: a matrix replaces it
     * @param pressed told the source of each matrix that starts (the room's dashboard counts it as a Run)
     */
    MatrixRequests(RunServices services, Client who, Consumer<ServerMessage> client, Runnable endRun,
            Consumer<String> pressed) {
        this.pressed = pressed;
        this.services = services;
        this.who = who;
        this.client = client;
        this.endRun = endRun;
    }

    /** Starts {@code request}'s matrix in place of the connection's run; a bad request leaves that run alone. */
    void start(ClientMessage.RunAll request) {
        if (closed) {
            return;
        }
        if (running()) {
            client.accept(new ServerMessage.Error("a run on all kernels is already under way on this connection: wait "
                    + "for its matrix_done, or send stop first"));
            return;
        }
        String source;
        try {
            source = services.sources().resolve(request.asRun());
        } catch (IllegalArgumentException e) {
            client.accept(new ServerMessage.Error(e.getMessage()));
            return;
        }
        Workload workload = request.workload() != null ? request.workload() : request.asRun().hasSource() ? null
                : services.sources().templateWorkload(request.template()).orElse(null);
        RunPass first;
        try {
            first = services.limits().startRun(who, null);
        } catch (LimitException e) {
            client.accept(e.error());
            return;
        }
        endRun.run();
        pressed.accept(source);
        List<String> ready = new ArrayList<>();
        List<ServerMessage.Matrix.Skipped> skipped = new ArrayList<>();
        List<Kernel> kernels = services.backend().kernels();
        for (Kernel kernel : kernels) {
            String notReady = notReady(kernel.preparation().status());
            if (notReady == null) {
                ready.add(kernel.id());
            } else {
                skipped.add(new ServerMessage.Matrix.Skipped(kernel.id(), notReady));
            }
        }
        MatrixRun matrix = new MatrixRun(services, who.shareKey(),
                new MatrixRun.Plan(source, request.globals(), workload, request.secondsOrDefault()), client);
        List<MatrixKernel> runs = new ArrayList<>();
        for (Kernel kernel : kernels) {
            if (ready.contains(kernel.id())) {
                // The press's own pass goes to the first kernel; the others count only against live runs.
                runs.add(new MatrixKernel(matrix, kernel, runs.isEmpty() ? first : services.limits().alongside(first)));
            }
        }
        if (runs.isEmpty()) {
            first.end();
        }
        current = matrix;
        client.accept(new ServerMessage.Matrix(ready, skipped, workload, request.secondsOrDefault()));
        matrix.start(runs);
    }

    /** Why {@code kernel} cannot run now, or null when it is ready. */
    private static String notReady(Preparation.Status status) {
        return switch (status.state()) {
            case READY -> null;
            case PREPARING -> "still preparing"
                    + (status.stage() == null ? "" : " (stage " + status.stage().wire() + ")")
                    + ": try again once GET /api/kernels says it is ready";
            case FAILED -> "its image could not be prepared"
                    + (status.problem() == null ? "" : ": " + status.problem());
        };
    }

    /** A {@code stop}: ends the matrix in flight, said with {@code matrix_done}; false when none was running. */
    boolean stop() {
        MatrixRun matrix = current;
        return matrix != null && matrix.stop(true);
    }

    /** A run replaces the matrix in flight, if any: it ends, said with {@code matrix_done}. */
    void cancel() {
        MatrixRun matrix = current;
        if (matrix != null) {
            matrix.stop(true);
        }
    }

    /** Whether a matrix is running: its connection is not idle. */
    boolean running() {
        MatrixRun matrix = current;
        return matrix != null && matrix.running();
    }

    /** The connection closed: the matrix in flight ends, and nothing more is sent. */
    void close() {
        closed = true;
        MatrixRun matrix = current;
        if (matrix != null) {
            matrix.stop(false);
        }
    }
}
