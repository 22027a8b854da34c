package dev.bpflab.sandbox.local;

import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.sandbox.AgentListener;
import dev.bpflab.support.files.FileTrees;
import dev.bpflab.support.process.ProcessTree;
import dev.bpflab.support.threads.Daemons;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The guest agent as a child process of the server. Owns the process, its reader threads and its stdin;
 * {@link #close()} kills it together with anything it started (workload commands), even those it left orphaned.
 */
final class AgentProcess implements AgentChannel {
    private static final Logger LOG = Logger.getLogger(AgentProcess.class);
    private static final String END = new String("end of output"); // identity-compared marker
    private static final String OVERSIZE = new String("(a line longer than "
            + (AgentChannel.MAX_LINE_BYTES >> 20) + " MiB)"); // identity-compared marker
    private static final int STDERR_LINES_KEPT = 20;

    private final ProcessTree tree;
    private final Process process;
    private final Path scratch;
    private final OutputStream stdin;
    /**
     * Lines read and not yet handed to the listener. Bounded: when the listener falls behind (a program with an event
     * per system call of the host), the reader stops reading and the agent waits on its full pipe, as a VM's agent
     * waits on virtio-serial, instead of the server's heap holding the backlog.
     */
    private static final int LINES_AHEAD = 1024;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>(LINES_AHEAD);
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private volatile Runnable onClose = () -> { };
    private volatile boolean closed;
    private volatile String reclaimed; // why the sandbox was taken back for someone else, if it was

    /** {@code tree}: the started agent; {@code scratch}: its own scratch directory, removed on close. */
    AgentProcess(ProcessTree tree, Path scratch) {
        this.tree = tree;
        this.process = tree.process();
        this.scratch = scratch;
        this.stdin = process.getOutputStream();
        Daemons.start(this::readStdout, "agent-" + process.pid() + "-out");
        Daemons.start(this::readStderr, "agent-" + process.pid() + "-err");
    }

    /** Waits for the agent's first line; returns it, or null if the agent said nothing in time. */
    String awaitFirstLine(long timeoutMs) throws InterruptedException {
        String line = lines.poll(timeoutMs, TimeUnit.MILLISECONDS);
        return line == END ? null : line;
    }

    /** What to do once the agent is gone, e.g. give its place in the admission queue back. */
    void setOnClose(Runnable onClose) {
        this.onClose = onClose;
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public String describe() {
        return "local agent pid " + process.pid();
    }

    @Override
    public void listen(AgentListener listener) {
        Daemons.start(() -> {
            try {
                while (true) {
                    String line = lines.take();
                    String why = reclaimed;
                    if (why != null) { // what the agent says as it stops (phase "stopped") is not the run's end
                        listener.onReclaimed(why);
                        return;
                    }
                    if (line == END) {
                        listener.onExit(exitReason());
                        return;
                    }
                    if (line == OVERSIZE) {
                        listener.onOversizeLine();
                    } else {
                        listener.onLine(line);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "agent-" + process.pid() + "-dispatch");
    }

    @Override
    public synchronized void send(String jsonLine) throws IOException {
        if (closed || !process.isAlive()) {
            throw new IOException("the agent is no longer running");
        }
        stdin.write((jsonLine + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /**
     * Splits the agent's output into lines of at most {@link AgentChannel#MAX_LINE_BYTES}: a longer line is skipped
     * up to its newline without being kept, and stands as {@link #OVERSIZE} in the queue.
     */
    private void readStdout() {
        try (InputStream in = process.getInputStream()) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            boolean overlong = false;
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        overlong = keep(line, buffer, start, i, overlong);
                        if (overlong) {
                            enqueue(OVERSIZE);
                        } else if (line.size() > 0) {
                            enqueue(line.toString(StandardCharsets.UTF_8));
                        }
                        line.reset();
                        overlong = false;
                        start = i + 1;
                    }
                }
                overlong = keep(line, buffer, start, n, overlong); // the line goes on in the next read
            }
            if (line.size() > 0) {
                enqueue(line.toString(StandardCharsets.UTF_8)); // a last line without its newline
            } else if (overlong) {
                enqueue(OVERSIZE);
            }
        } catch (IOException e) {
            // the process is gone
        } catch (InterruptedException e) {
            return; // the server is stopping
        }
        try {
            process.waitFor(2, TimeUnit.SECONDS);
            enqueue(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for room for {@code line}; gives up once the agent is closed and nobody takes lines any more. */
    private void enqueue(String line) throws InterruptedException {
        while (!lines.offer(line, 100, TimeUnit.MILLISECONDS)) {
            if (closed) {
                return;
            }
        }
    }

    /** Appends {@code buffer[from, to)} to {@code line} unless it is already too long; returns whether it is. */
    private static boolean keep(ByteArrayOutputStream line, byte[] buffer, int from, int to, boolean overlong) {
        if (overlong) {
            return true;
        }
        line.write(buffer, from, to - from);
        if (line.size() > AgentChannel.MAX_LINE_BYTES) {
            line.reset(); // what was kept of it is not needed
            return true;
        }
        return false;
    }

    private void readStderr() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                LOG.debugf("agent %d: %s", process.pid(), line);
                synchronized (stderrTail) {
                    stderrTail.addLast(line);
                    if (stderrTail.size() > STDERR_LINES_KEPT) {
                        stderrTail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    private String exitReason() {
        if (closed) {
            return "the run was stopped";
        }
        String status = process.isAlive() ? "closed its output" : "exited with status " + process.exitValue();
        String last;
        synchronized (stderrTail) {
            last = stderrTail.isEmpty() ? "" : ": " + stderrTail.peekLast();
        }
        return "the agent " + status + last;
    }

    /** Ends the run because its place was reclaimed ({@code AdmissionQueue}); the listener hears {@code why}. */
    void reclaim(String why) {
        reclaimed = why;
        close();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            stdin.close(); // the agent stops and detaches on end of input
        } catch (IOException ignored) {
            // it may already be gone
        }
        try {
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tree.kill(); // the agent if it did not stop in time, and whatever it left running either way
        deleteScratch(scratch);
        onClose.run();
    }

    Path scratch() {
        return scratch;
    }

    static void deleteScratch(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            LOG.warnf("could not remove the agent's scratch directory %s: %s", dir, e.getMessage());
        }
    }
}
