package dev.bpflab.sandbox.local;

import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.sandbox.AgentListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The guest agent as a child process of the server. Owns the process, its reader threads and its stdin;
 * {@link #close()} kills it together with anything it started (workload commands).
 */
final class AgentProcess implements AgentChannel {
    private static final Logger LOG = Logger.getLogger(AgentProcess.class);
    private static final String END = new String("end of output"); // identity-compared marker
    private static final int STDERR_LINES_KEPT = 20;

    private final Process process;
    private final Path scratch;
    private final OutputStream stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private volatile Runnable onClose = () -> { };
    private volatile boolean closed;

    /** {@code scratch}: the agent's own scratch directory, removed on close. */
    AgentProcess(Process process, Path scratch) {
        this.process = process;
        this.scratch = scratch;
        this.stdin = process.getOutputStream();
        Thread out = new Thread(this::readStdout, "agent-" + process.pid() + "-out");
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(this::readStderr, "agent-" + process.pid() + "-err");
        err.setDaemon(true);
        err.start();
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
        Thread dispatcher = new Thread(() -> {
            try {
                while (true) {
                    String line = lines.take();
                    if (line == END) {
                        listener.onExit(exitReason());
                        return;
                    }
                    listener.onLine(line);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "agent-" + process.pid() + "-dispatch");
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    @Override
    public synchronized void send(String jsonLine) throws IOException {
        if (closed || !process.isAlive()) {
            throw new IOException("the agent is no longer running");
        }
        stdin.write((jsonLine + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    private void readStdout() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the process is gone
        } finally {
            try {
                process.waitFor(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lines.add(END);
        }
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
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteTree(scratch);
        onClose.run();
    }

    Path scratch() {
        return scratch;
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (NoSuchFileException ignored) {
            // already gone
        } catch (IOException e) {
            LOG.warnf("could not remove the agent's scratch directory %s: %s", dir, e.getMessage());
        }
    }
}
