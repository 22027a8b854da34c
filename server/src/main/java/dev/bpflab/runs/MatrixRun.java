package dev.bpflab.runs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.protocol.Workload;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One {@code run_all} of a connection: the same program on several kernels at once, one {@link MatrixKernel} each.
 * Each kernel's row goes to the client as that kernel finishes, and {@code matrix_done} after the last; once stopped,
 * no row and no {@code matrix_done} but the stop's own follow. Thread-safe.
 */
final class MatrixRun {
    /**
     * What every kernel runs: the resolved C {@code source}, its {@code globals}, the {@code workload} fired once
     * attached (null: none) and how many {@code seconds} each collects.
     */
    record Plan(String source, Map<String, JsonNode> globals, Workload workload, int seconds) {
    }

    private final RunServices services;
    private final Object shareKey;
    private final Plan plan;
    private final Consumer<ServerMessage> client;
    private volatile List<MatrixKernel> kernels = List.of(); // set once, by start
    private int remaining; // guarded by this
    private boolean over; // done or stopped; guarded by this

    /**
     * @param shareKey whose compiles and sandboxes these are ({@link dev.bpflab.limits.Client#shareKey})
     * @param client   where the rows and the end go
     */
    MatrixRun(RunServices services, Object shareKey, Plan plan, Consumer<ServerMessage> client) {
        this.services = services;
        this.shareKey = shareKey;
        this.plan = plan;
        this.client = client;
    }

    RunServices services() {
        return services;
    }

    Object shareKey() {
        return shareKey;
    }

    Plan plan() {
        return plan;
    }

    /** Starts every kernel at once; each takes its sandbox when the client's live-run budget has room. */
    void start(List<MatrixKernel> all) {
        synchronized (this) {
            kernels = List.copyOf(all);
            remaining = kernels.size();
            if (remaining == 0) {
                done();
                return;
            }
        }
        kernels.forEach(MatrixKernel::start);
    }

    /** A kernel finished: its row goes to the client, and after the last row, the end. */
    synchronized void rowDone(ServerMessage.MatrixRow row) {
        if (over) {
            return;
        }
        client.accept(row);
        if (--remaining == 0) {
            done();
        }
    }

    /** Whether rows may still come. */
    synchronized boolean running() {
        return !over;
    }

    /**
     * Stops every kernel still running (their sandboxes are destroyed, their places in line left) and, when
     * {@code tell}, says {@code matrix_done} with {@code stopped}. False when it had ended already.
     */
    boolean stop(boolean tell) {
        synchronized (this) {
            if (over) {
                return false;
            }
            over = true;
            if (tell) {
                client.accept(new ServerMessage.MatrixDone(true));
            }
        }
        kernels.forEach(MatrixKernel::cancel);
        return true;
    }

    /** Every row was sent (called holding this). */
    private void done() {
        over = true;
        client.accept(new ServerMessage.MatrixDone(null));
    }
}
