package dev.bpflab.runs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.protocol.Workload;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One {@code run_all} of a connection: the same program on several kernels at once, one {@link MatrixKernel} each.
 * Each kernel's row goes to the client as that kernel finishes, and {@code matrix_done} after the last; once stopped,
 * no row and no {@code matrix_done} but the stop's own follow. Thread-safe. Messages are put in order under this
 * matrix's lock but sent outside it ({@link #flush}): a client over its outgoing budget is closed from within a send,
 * which takes the session's lock, and the session's thread may be stopping this matrix at that moment.
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
    private final ArrayDeque<ServerMessage> outbox = new ArrayDeque<>(); // guarded by this
    private boolean sending; // a thread is sending the outbox; guarded by this

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
            }
        }
        flush();
        kernels.forEach(MatrixKernel::start);
    }

    /** A kernel finished: its row goes to the client, and after the last row, the end. */
    void rowDone(ServerMessage.MatrixRow row) {
        synchronized (this) {
            if (over) {
                return;
            }
            outbox.add(row);
            if (--remaining == 0) {
                done();
            }
        }
        flush();
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
                outbox.add(new ServerMessage.MatrixDone(true));
            }
        }
        flush();
        kernels.forEach(MatrixKernel::cancel);
        return true;
    }

    /** Every row was put in the outbox (called holding this). */
    private void done() {
        over = true;
        outbox.add(new ServerMessage.MatrixDone(null));
    }

    /** Sends what the outbox holds, in order, one thread at a time, without holding this matrix's lock. */
    private void flush() {
        while (true) {
            ServerMessage next;
            synchronized (this) {
                if (sending || outbox.isEmpty()) {
                    return; // the thread sending takes what was added meanwhile
                }
                sending = true;
                next = outbox.poll();
            }
            try {
                client.accept(next);
            } finally {
                synchronized (this) {
                    sending = false;
                }
            }
        }
    }
}
