package dev.bpflab.sandbox.qemu;

import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.AgentMessage;
import dev.bpflab.protocol.ProtocolException;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.support.files.FileTrees;
import dev.bpflab.support.process.Priorities;
import dev.bpflab.support.process.ProcessTree;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One QEMU process and the host ends of its sockets: QMP, the agent's virtio-serial port, the control port (the guest's
 * {@code guest-control} daemon) and the serial console. The host connects to the agent and control ports before a
 * restore loads device state, so the restored guest finds its ports connected and reads on as if nothing happened.
 * Saving and restoring are in {@link VmMigration}.
 */
final class Vm {
    private static final Duration SOCKET_WAIT = Duration.ofSeconds(20);
    private static final SecureRandom RANDOM = new SecureRandom();

    final String name;
    final Machine.Sockets sockets;
    private final ProcessTree tree;
    private final Path log;
    private final Qmp qmp;
    private final LineChannel agent;
    private final LineChannel control;
    private final ConsoleTail console;
    private final VmIsolation.Confinement confinement;
    private volatile boolean killed;

    private Vm(String name, Machine.Sockets sockets, ProcessTree tree, Path log, Qmp qmp, SocketChannel agent,
            SocketChannel control, ConsoleTail console, VmIsolation.Confinement confinement) {
        this.name = name;
        this.sockets = sockets;
        this.confinement = confinement;
        this.tree = tree;
        this.log = log;
        this.qmp = qmp;
        this.agent = new LineChannel(agent, this::consoleHint);
        this.control = new LineChannel(control, this::consoleHint);
        this.console = console;
    }

    /**
     * Starts QEMU, confined by {@code isolation} (a user and cgroup of its own), and connects to all its sockets: a
     * {@link Machine.Role#BOOT} guest runs at once, writing its RAM to {@code memory} (created for it); a
     * {@link Machine.Role#CLONE} maps its RAM from {@code memory}, the saved VM's sealed copy ({@link TemplateRam}),
     * and waits for {@link VmMigration#restore}.
     */
    static Vm start(Machine machine, VmIsolation isolation, Path runDir, String name, Path memory, Machine.Role role)
            throws IOException {
        Machine.Sockets sockets = Machine.Sockets.in(runDir, name);
        VmIsolation.Confinement confinement = isolation.confine(name, machine.memoryMiB(), machine.accel());
        ProcessTree tree;
        try {
            FileTrees.delete(sockets.dir());
            Files.createDirectory(sockets.dir(),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            confinement.own(sockets.dir());
            ProcessBuilder qemu = new ProcessBuilder(confinement.launch(machine.command(name, sockets, memory, role)))
                    .redirectErrorStream(true).redirectOutput(sockets.log().toFile());
            if (role == Machine.Role.BOOT) {
                Files.deleteIfExists(memory);
                Files.createFile(memory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                confinement.own(memory);
            } else {
                qemu.redirectInput(memory.toFile()); // opened read-only here, as root; QEMU maps it (Machine.CLONE_RAM)
            }
            // Not a Command: QEMU runs for as long as the VM serves, its output goes to the log. It is killed through
            // its tree (its seccomp sandbox denies it children, so that is QEMU alone).
            tree = ProcessTree.start(qemu);
        } catch (IOException | RuntimeException e) {
            confinement.release();
            deleteFiles(sockets);
            throw e;
        }
        Path log = sockets.log();
        Process process = tree.process();
        process.getOutputStream().close();
        Qmp qmp = null;
        SocketChannel agent = null;
        SocketChannel control = null;
        try {
            qmp = new Qmp(connect(sockets.qmp(), process, log));
            agent = connect(sockets.agent(), process, log);
            control = connect(sockets.control(), process, log);
            ConsoleTail console = new ConsoleTail(connect(sockets.console(), process, log));
            return new Vm(name, sockets, tree, log, qmp, agent, control, console, confinement);
        } catch (IOException | RuntimeException e) {
            tree.kill();
            for (var channel : new java.io.Closeable[] {qmp, agent, control}) {
                if (channel != null) {
                    channel.close();
                }
            }
            confinement.releaseOnceExited(process);
            deleteFiles(sockets);
            throw e;
        }
    }

    /** Waits for QEMU to create a socket and connects to it; fails early with QEMU's own words if it exits. */
    static SocketChannel connect(Path socket, Process process, Path log) throws IOException {
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
                throw new InterruptedIOException("interrupted while waiting for QEMU");
            }
            sleep(5);
        }
    }

    /**
     * Lets a paused, restored VM warm up and pauses it again. Under TCG each QEMU translates guest code on first use:
     * what the warm-up executes (the agent's load, attach and stream paths, the verifier, a workload) is translated
     * by the time a learner waits for it.
     */
    void prewarm(AgentCommand.Warmup warmup, Duration timeout) throws IOException {
        qmp.execute("cont");
        try {
            agentWarmup(warmup, timeout);
        } finally {
            qmp.execute("stop");
        }
    }

    /**
     * Has the agent load, attach and exercise the warm-up's object (compiled by the server) with the output thrown
     * away. It does not count as the agent's one run.
     */
    void agentWarmup(AgentCommand.Warmup warmup, Duration timeout) throws IOException {
        agent.writeLine(RunJson.write(warmup));
        AgentMessage answer = agentMessage(timeout);
        if (answer instanceof ServerMessage.Error error) {
            throw new IOException("the agent did not warm up: " + error.message());
        }
        if (!(answer instanceof AgentMessage.Warm)) {
            throw new IOException("the agent answered the warm-up with " + brief(answer));
        }
    }

    /** Runs a paused VM, then sets its clock and reseeds its RNG: a restored guest wakes with the saved VM's. */
    /** Pauses the guest again (a woken VM that no run used goes back to the pool); {@link #wake} resumes it. */
    void pause() throws IOException {
        qmp.execute("stop");
    }

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

    /**
     * Sets this QEMU's scheduling priority ({@code nice}, -20..19): VMs being restored and warmed up for the pool run
     * at 10, so that under emulation they take the CPU the live runs leave; a VM handed to a run goes back to 0. Best
     * effort: a VM at the wrong priority is slower or faster, never wrong.
     */
    void setNice(int nice) {
        confinement.setNice(nice);
        try {
            Priorities.renice(tree.process().pid(), nice); // every thread: the vCPU thread is where TCG spends its time
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends a line to the guest's control daemon and waits for its one-line answer. */
    String controlCommand(String line, Duration timeout) throws IOException {
        synchronized (control) {
            control.writeLine(line);
            return control.readLine(timeout, 4096);
        }
    }

    /** Sends a control line without waiting for an answer (the guest may not live to give one). */
    void controlSend(String line) throws IOException {
        synchronized (control) {
            control.writeLine(line);
        }
    }

    /** The agent's next line (up to 1 MiB) within {@code timeout}, decoded; IOException: none, or no message. */
    AgentMessage agentMessage(Duration timeout) throws IOException {
        String line = agent.readLine(timeout, 1 << 20);
        try {
            return RunJson.agent(line);
        } catch (ProtocolException e) {
            throw new IOException("the agent wrote something that is no message: " + e.getMessage() + consoleHint());
        }
    }

    /** A message of the agent's for an error message: its JSON, at most 200 characters. */
    static String brief(AgentMessage message) {
        String json = RunJson.write(message);
        return json.length() <= 200 ? json : json.substring(0, 200) + "…";
    }

    private String consoleHint() {
        String last = console.lastLine();
        return last.isEmpty() ? "" : " (guest console: " + last + ")";
    }

    /** The agent's socket, in blocking mode: a run's JSON lines go both ways over it. */
    SocketChannel agent() {
        return agent.channel();
    }

    Qmp qmp() {
        return qmp;
    }

    ConsoleTail console() {
        return console;
    }

    Process process() {
        return tree.process();
    }

    boolean alive() {
        return !killed && tree.process().isAlive();
    }

    /** What QEMU printed (its errors), last line. */
    String qemuLog() {
        return tail(log);
    }

    /** Quits QEMU gracefully (the boot VM, whose RAM file must be complete), or kills it after a few seconds. */
    void quit() {
        try {
            qmp.execute("quit");
        } catch (IOException ignored) {
            // it may be gone already
        }
        try {
            if (!tree.process().waitFor(5, TimeUnit.SECONDS)) {
                tree.kill();
            }
        } catch (InterruptedException e) {
            tree.kill();
            Thread.currentThread().interrupt();
        }
        kill();
    }

    /** Ends the VM at once and removes its files. Idempotent. */
    void kill() {
        killed = true;
        tree.kill();
        qmp.close();
        for (LineChannel channel : List.of(agent, control)) {
            channel.close();
        }
        confinement.releaseOnceExited(tree.process());
        deleteFiles(sockets);
    }

    /** The VM's uid and cgroup. */
    VmIsolation.Confinement confinement() {
        return confinement;
    }

    private static void deleteFiles(Machine.Sockets sockets) {
        try {
            FileTrees.delete(sockets.dir());
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

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
