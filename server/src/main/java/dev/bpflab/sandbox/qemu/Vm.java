package dev.bpflab.sandbox.qemu;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One QEMU process and the host ends of its sockets: QMP, the agent's virtio-serial port, the control port (the guest's
 * {@code guest-control} daemon) and the serial console. The host connects to the agent and control ports before a
 * restore loads device state, so the restored guest finds its ports connected and reads on as if nothing happened.
 */
final class Vm {
    private static final Duration SOCKET_WAIT = Duration.ofSeconds(20);
    private static final SecureRandom RANDOM = new SecureRandom();

    final String name;
    final Machine.Sockets sockets;
    private final Process process;
    private final Path log;
    private final Qmp qmp;
    private final SocketChannel agent;
    private final SocketChannel control;
    private final ConsoleTail console;
    private final StringBuilder controlPending = new StringBuilder();
    private final StringBuilder agentPending = new StringBuilder();
    private volatile boolean killed;

    private Vm(String name, Machine.Sockets sockets, Process process, Path log, Qmp qmp, SocketChannel agent,
            SocketChannel control, ConsoleTail console) {
        this.name = name;
        this.sockets = sockets;
        this.process = process;
        this.log = log;
        this.qmp = qmp;
        this.agent = agent;
        this.control = control;
        this.console = console;
    }

    /** Starts QEMU and connects to all its sockets; the guest runs (template) or waits for a restore (clone). */
    static Vm start(Machine machine, Path runDir, String name, Path memoryFile, boolean template) throws IOException {
        Machine.Sockets sockets = Machine.Sockets.in(runDir, name);
        Template.deleteTree(sockets.dir());
        Files.createDirectory(sockets.dir(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (machine.runAs() != null) {
            Files.setOwner(sockets.dir(), sockets.dir().getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(machine.runAs()));
        }
        Path log = sockets.log();
        Process process = new ProcessBuilder(machine.command(name, sockets, memoryFile, template))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        Qmp qmp = null;
        SocketChannel agent = null;
        SocketChannel control = null;
        try {
            qmp = new Qmp(connect(sockets.qmp(), process, log));
            agent = connect(sockets.agent(), process, log);
            control = connect(sockets.control(), process, log);
            ConsoleTail console = new ConsoleTail(Channels.newInputStream(connect(sockets.console(), process, log)), name);
            return new Vm(name, sockets, process, log, qmp, agent, control, console);
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            for (var channel : new java.io.Closeable[] {qmp, agent, control}) {
                if (channel != null) {
                    channel.close();
                }
            }
            deleteFiles(sockets);
            throw e;
        }
    }

    /** Waits for QEMU to create a socket and connects to it; fails early with QEMU's own words if it exits. */
    private static SocketChannel connect(Path socket, Process process, Path log) throws IOException {
        long deadline = System.nanoTime() + SOCKET_WAIT.toNanos();
        while (true) {
            if (Files.exists(socket)) {
                try {
                    return SocketChannel.open(UnixDomainSocketAddress.of(socket));
                } catch (IOException e) {
                    // created but not listening yet
                }
            }
            if (!process.isAlive()) {
                throw new IOException("QEMU exited with status " + process.exitValue() + ": " + tail(log));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("QEMU did not open " + socket + " within " + SOCKET_WAIT.toSeconds() + " s");
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new java.io.InterruptedIOException("interrupted while waiting for QEMU");
            }
            sleep(5);
        }
    }

    /** Loads a saved VM: only device state travels; RAM is the template's file, mapped copy-on-write. */
    void restore(byte[] deviceState) throws IOException {
        qmp.execute("migrate-set-capabilities", Map.of("capabilities",
                List.of(Map.of("capability", "x-ignore-shared", "state", true))));
        qmp.execute("migrate-incoming", Map.of("uri", "unix:" + sockets.incoming()));
        try (SocketChannel incoming = connect(sockets.incoming(), process, log)) {
            ByteBuffer buffer = ByteBuffer.wrap(deviceState);
            while (buffer.hasRemaining()) {
                incoming.write(buffer);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            String status = qmp.execute("query-migrate").path("status").asText();
            if (status.equals("completed")) {
                return;
            }
            if (status.equals("failed") || status.equals("cancelled") || !process.isAlive()) {
                throw new IOException("restoring the VM failed (" + status + "): " + tail(log));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("restoring the VM took longer than 30 s");
            }
            sleep(2);
        }
    }

    /** Saves this (template) VM: pauses it and streams its device state, skipping the shared RAM file. */
    byte[] save() throws IOException {
        qmp.execute("stop");
        qmp.execute("migrate-set-capabilities", Map.of("capabilities",
                List.of(Map.of("capability", "x-ignore-shared", "state", true))));
        Path socket = sockets.outgoing();
        Files.deleteIfExists(socket);
        try (var server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-")); // QEMU connects as runAs
            qmp.execute("migrate", Map.of("uri", "unix:" + socket));
            server.configureBlocking(false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            SocketChannel accepted;
            while ((accepted = server.accept()) == null) {
                String status = qmp.execute("query-migrate").path("status").asText();
                if (status.equals("failed") || System.nanoTime() > deadline) {
                    throw new IOException("saving the VM failed (" + status + "): " + tail(log));
                }
                sleep(10);
            }
            try (SocketChannel stream = accepted) {
                stream.configureBlocking(true);
                byte[] state = Channels.newInputStream(stream).readAllBytes();
                String status = qmp.execute("query-migrate").path("status").asText();
                for (int i = 0; i < 500 && status.equals("active"); i++) {
                    sleep(10);
                    status = qmp.execute("query-migrate").path("status").asText();
                }
                if (!status.equals("completed")) {
                    throw new IOException("saving the VM failed (" + status + "): " + tail(log));
                }
                return state;
            }
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    /**
     * Lets a paused, restored VM warm up and pauses it again. Under TCG each QEMU translates guest code on first use:
     * what the warm-up executes (clang above all) is translated by the time a user waits for it. An agent that knows
     * {@code {"type":"warmup"}} runs a whole built-in program; otherwise the guest's control daemon compiles one.
     */
    void prewarm(boolean agentWarmup, Duration timeout) throws IOException {
        qmp.execute("cont");
        try {
            if (agentWarmup) {
                agentWarmup(timeout);
            } else {
                String answer = controlCommand("warm", timeout);
                if (!answer.equals("ok warm")) {
                    throw new IOException("the guest could not warm up: " + answer);
                }
            }
        } finally {
            qmp.execute("stop");
        }
    }

    /**
     * Asks the agent to run its built-in warm-up program; returns false if this agent does not know the message.
     * The warm-up loads, attaches and detaches a program and does not count as the agent's one run.
     */
    boolean agentWarmup(Duration timeout) throws IOException {
        ByteBuffer out = ByteBuffer.wrap("{\"type\":\"warmup\"}\n".getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            agent.write(out);
        }
        String answer = readLine(agent, agentPending, timeout, 1 << 20);
        if (answer.contains("\"warm\"")) {
            return true;
        }
        if (answer.contains("unknown message type")) {
            return false;
        }
        throw new IOException("the agent did not warm up: " + answer);
    }

    /** Runs a paused VM, then sets its clock and reseeds its RNG: a restored guest wakes with the template's. */
    void wake(Duration timeout) throws IOException {
        qmp.execute("cont");
        Instant now = Instant.now();
        byte[] seed = new byte[64];
        RANDOM.nextBytes(seed);
        String answer = controlCommand("wake " + now.getEpochSecond() + " " + now.getNano() + " "
                + HexFormat.of().formatHex(seed), timeout);
        if (!answer.equals("ok wake")) {
            throw new IOException("the guest did not wake up: " + answer);
        }
    }

    /** Sends a line to the guest's control daemon and waits for its one-line answer. */
    String controlCommand(String line, Duration timeout) throws IOException {
        synchronized (control) {
            ByteBuffer out = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                control.write(out);
            }
            return readLine(control, controlPending, timeout, 4096);
        }
    }

    /** Sends a control line without waiting for an answer (the guest may not live to give one). */
    void controlSend(String line) throws IOException {
        synchronized (control) {
            ByteBuffer out = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                control.write(out);
            }
        }
    }

    /** The agent's first line (a template's boot), within {@code timeout}. */
    String agentFirstLine(Duration timeout) throws IOException {
        return readLine(agent, agentPending, timeout, 1 << 20);
    }

    /**
     * Reads one line from a blocking channel without blocking forever: the channel is polled through a selector and
     * set back to blocking mode afterwards (the agent channel is read with plain blocking reads later).
     */
    private String readLine(SocketChannel channel, StringBuilder pending, Duration timeout, int maxBytes)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        channel.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (true) {
                int newline = pending.indexOf("\n");
                if (newline >= 0) {
                    String line = pending.substring(0, newline);
                    pending.delete(0, newline + 1);
                    return line;
                }
                if (pending.length() > maxBytes) {
                    throw new IOException("the guest sent a line longer than " + maxBytes + " bytes");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("no answer from the guest within " + timeout.toSeconds() + " s"
                            + consoleHint());
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new java.io.InterruptedIOException("interrupted while waiting for the guest");
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                buffer.clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    throw new IOException("the VM went away" + consoleHint());
                }
                pending.append(new String(buffer.array(), 0, n, StandardCharsets.UTF_8));
            }
        } finally {
            channel.configureBlocking(true);
        }
    }

    private String consoleHint() {
        String last = console.lastLine();
        return last.isEmpty() ? "" : " (guest console: " + last + ")";
    }

    SocketChannel agent() {
        return agent;
    }

    ConsoleTail console() {
        return console;
    }

    Process process() {
        return process;
    }

    boolean alive() {
        return !killed && process.isAlive();
    }

    /** What QEMU printed (its errors), last line. */
    String qemuLog() {
        return tail(log);
    }

    /** Quits QEMU gracefully (the template, whose RAM file must be complete), or kills it after a few seconds. */
    void quit() {
        try {
            qmp.execute("quit");
        } catch (IOException ignored) {
            // it may be gone already
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        kill();
    }

    /** Ends the VM at once and removes its files. Idempotent. */
    void kill() {
        killed = true;
        process.destroyForcibly();
        qmp.close();
        for (SocketChannel channel : List.of(agent, control)) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closed already
            }
        }
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteFiles(sockets);
    }

    private static void deleteFiles(Machine.Sockets sockets) {
        try {
            Template.deleteTree(sockets.dir());
        } catch (IOException ignored) {
            // the reaper removes leftovers at the next start
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).strip();
                }
            }
            return "(no output)";
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
