package dev.bpflab.agent;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.bpflab.agent.bpf.KernelProbe;
import dev.bpflab.agent.workloads.Workload;
import dev.bpflab.agent.workloads.WorkloadException;
import dev.bpflab.agent.workloads.Workloads;
import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.ClientMessage;
import dev.bpflab.protocol.AgentMessage;
import dev.bpflab.protocol.ErrorCode;
import dev.bpflab.protocol.ProtocolException;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.RunPhase;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.support.files.FileTrees;
import dev.bpflab.support.system.EffectiveUser;
import dev.bpflab.support.system.RunningKernel;
import dev.bpflab.support.threads.Daemons;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The guest agent: the only bpflab code that touches libbpf and the kernel; it loads objects the server compiled. It runs as a child process of the
 * server (local backend) or inside a disposable VM (qemu backend), serves exactly one run and exits.
 *
 * <p>Protocol (docs/run-contract.md, "Server → agent" and "Agent → server"), one JSON object per line, typed by
 * {@link AgentCommand} and {@link AgentMessage}. The agent first writes {@code ready} once it is warm (or an
 * {@code error} and exits); then it serves one {@code run}, its {@code workload}s, and {@code stop} or end of input; or one {@code probe} of
 * what the kernel can do, answered with {@code features}.
 * Environment: BPFLAB_SCRATCH (where the run's scratch directory for workloads' files is made), BPFLAB_LAB_PIDS (the
 * other processes of the lab, whose records are labelled as the lab's: {@link LabProcesses}).
 *
 * <p>In a VM the agent is saved ready and warm, and every run's VM is restored from that snapshot: anything it drew at
 * random before the run would be the same in every VM. So the run's scratch directory is made when the run starts,
 * named from fresh kernel randomness, and the JVM's generator is reseeded then ({@link FreshRandomness}).
 */
public final class AgentMain {
    static final int MAX_TIMEOUT_SECONDS = 1800;

    private final Output output;
    private final ExecutorService workloads = Executors.newSingleThreadExecutor(Daemons.factory("workloads"));
    /** Reads what the kernel holds of the loaded programs ({@code read_loaded}), one request at a time. */
    private final ExecutorService inspector = Executors.newSingleThreadExecutor(Daemons.factory("loaded-programs"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Daemons.factory("run-timer"));
    private final Path scratchRoot;
    private final LabProcesses lab;
    private Path scratch; // made for the run (see scratch())
    private Run run;
    private boolean attached;
    private volatile boolean stopping;
    private boolean stopped;
    private boolean shutDown;
    /** Where bpf_printk lines go: nowhere until a run that wants them (trace_pipe is followed once, for good). */
    private volatile Consumer<TracePipe.Line> printk = line -> { };
    private boolean followingTracePipe;

    private AgentMain(PrintStream stdout, Path scratchRoot, LabProcesses lab) {
        this.output = new Output(stdout);
        this.scratchRoot = scratchRoot;
        this.lab = lab;
    }

    public static void main(String[] args) throws IOException {
        // stdout carries the protocol; anything else printed by libraries goes to stderr.
        PrintStream protocol = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
                StandardCharsets.UTF_8);
        System.setOut(System.err);
        Path scratchRoot = Path.of(System.getenv().getOrDefault("BPFLAB_SCRATCH", System.getProperty("java.io.tmpdir")));
        LabProcesses.nameThisProcess();
        AgentMain agent = new AgentMain(protocol, scratchRoot, LabProcesses.current(System.getenv(LabProcesses.PIDS_ENV)));
        int status = 0;
        try {
            status = agent.serve();
        } finally {
            agent.shutdown();
        }
        System.exit(status);
    }

    private int serve() throws IOException {
        String problem = warmUp();
        if (problem != null) {
            output.send(new ServerMessage.Error(problem));
            return 2;
        }
        output.send(new AgentMessage.Ready(RunningKernel.release()));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while (!stopping && (line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            AgentCommand command;
            try {
                command = RunJson.command(line);
            } catch (ProtocolException e) {
                output.send(new ServerMessage.Error("the agent could not read the server's message: " + e.getMessage()));
                continue;
            }
            handle(command);
        }
        stop();
        return 0;
    }

    /** Everything slow that does not depend on the program: tracefs, libbpf. */
    private String warmUp() {
        if (!EffectiveUser.isRoot()) {
            return "the bpflab agent must run as root (loading BPF programs needs CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN): "
                    + "start bpflab with sudo";
        }
        String tracefs = TracePipe.ensureMounted();
        if (tracefs != null) {
            return tracefs;
        }
        try {
            Class.forName("dev.bpflab.agent.bpf.LibBpf", true, AgentMain.class.getClassLoader());
        } catch (Throwable e) {
            return "libbpf could not be loaded (" + e.getMessage() + "): run `apt-get install libbpf1` (Debian)";
        }
        return null;
    }

    private void handle(AgentCommand command) {
        if (command instanceof AgentCommand.Start start) {
            startRun(start);
        } else if (command instanceof AgentCommand.Workload workload) {
            workloads.submit(() -> runWorkload(workload.name(), output, null));
        } else if (command instanceof AgentCommand.Warmup warmup) {
            warmUpPipeline(warmup.object(), warmup.coreBtf());
        } else if (command instanceof AgentCommand.ReadIterator) {
            readIterators();
        } else if (command instanceof ClientMessage.MapUpdate update) {
            output.send(writeMap(update.map(), update.key(), update.value()));
        } else if (command instanceof ClientMessage.MapDelete delete) {
            output.send(writeMap(delete.map(), delete.key(), null));
        } else if (command instanceof ClientMessage.ReadLoaded) {
            readLoaded();
        } else if (command instanceof AgentCommand.Probe) {
            probe();
        } else if (command instanceof AgentCommand.Stop) {
            stopping = true;
        }
    }

    /** Says what this kernel can do ({@link KernelProbe}), instead of a run, and ends: a probe is the agent's one job. */
    private void probe() {
        if (run != null) {
            output.send(new ServerMessage.Error("this agent already ran a program; probe in a new sandbox"));
            return;
        }
        output.send(KernelProbe.probe());
        stopping = true;
    }

    /** A map write, answered even without an attached program: the server waits for one answer per write. */
    private ServerMessage.MapWritten writeMap(String map, com.fasterxml.jackson.databind.JsonNode key,
            com.fasterxml.jackson.databind.JsonNode value) {
        if (run == null || !attached) {
            return new ServerMessage.MapWritten(map, value == null ? "delete" : "update", false,
                    "no program is attached: press Run first");
        }
        return run.writeMap(map, key, value);
    }

    /**
     * Answers a {@code read_loaded} on a thread of its own: bpftool and the statistics' second load take a second or
     * more under emulation, and the next command (a workload, stop) is not held up meanwhile.
     */
    private void readLoaded() {
        Run current = run;
        if (current == null || !attached) {
            output.send(ServerMessage.LoadedPrograms.refused("no program is attached: press Run first"));
            return;
        }
        inspector.submit(() -> {
            ServerMessage.LoadedPrograms answer;
            try {
                answer = current.readLoaded();
            } catch (RuntimeException e) { // the server waits for one answer per request, whatever happened
                answer = ServerMessage.LoadedPrograms.refused("reading the loaded program failed: " + e.getMessage());
            }
            output.send(answer);
        });
    }

    private void readIterators() {
        if (run == null || !attached) {
            output.send(new ServerMessage.Error("no program is attached to read: press Run first"));
        } else if (!run.readIterators()) {
            output.send(new ServerMessage.Error("this program has no iterator to read: only programs in an iterator "
                    + "section, such as SEC(\"iter/task\"), print when they are read"));
        }
    }

    /**
     * Goes through what a real run does, once, with the output thrown away, so that its code is compiled by the JIT
     * and paged in (and, under emulation, translated by QEMU) before a learner waits for it: the server's commands
     * decoded, the warm-up object loaded and attached, printk lines followed, a workload fired through the workload
     * thread, its event read from the ring buffer. A VM does this before it is saved and, under emulation, each
     * restored VM before it is pooled; it does not count as the agent's one run.
     */
    private void warmUpPipeline(byte[] object, byte[] coreBtf) {
        long started = System.nanoTime();
        Path warmScratch = null; // not the run's: made before the snapshot, removed after
        try (Output discarded = new Output(java.io.OutputStream.nullOutputStream());
                Run warm = new Run(discarded, lab)) {
            // What a run does first, done once here: reseeding SecureRandom (its provider's first use) and making a
            // private directory from /dev/urandom bytes were 150 ms and 80 ms of guest time in every clone under TCG.
            FreshRandomness.reseedJvm();
            warmScratch = newPrivateDirectory(scratchRoot);
            for (AgentCommand command : List.<AgentCommand>of(
                    new AgentCommand.Start("int x;", object, 60, Map.of("limit", IntNode.valueOf(1)), null,
                            null, coreBtf),
                    new AgentCommand.Workload(dev.bpflab.protocol.Workload.UNLINK_FILE), new AgentCommand.Stop())) {
                RunJson.command(RunJson.write(command)); // the decoders a run's commands need, built now
            }
            if (warm.start("", object, coreBtf, Map.of(), AgentCommand.DEFAULT_XDP_INTERFACE)) {
                followTracePipe(line -> discarded.offer(new ServerMessage.Printk(line.text(), line.pid(), line.comm())));
                Path workDir = warmScratch;
                workloads.submit(() -> runWorkload(dev.bpflab.protocol.Workload.UNLINK_FILE, discarded, workDir)).get();
                Thread.sleep(200); // let the record reach the ring buffer poller
            }
        } catch (ProtocolException | ExecutionException | IOException e) {
            // a warm-up that did not go all the way still warmed what it reached
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            printk = line -> { };
            if (warmScratch != null) {
                deleteQuietly(warmScratch);
            }
        }
        output.send(new AgentMessage.Warm((System.nanoTime() - started) / 1_000_000));
    }

    /**
     * Sends bpf_printk lines to {@code sink}. The pipe is followed by one thread for the agent's life (the kernel lets
     * one reader open it at a time), started by the warm-up or the run, whichever comes first.
     */
    private synchronized void followTracePipe(Consumer<TracePipe.Line> sink) {
        printk = sink;
        if (!followingTracePipe) {
            followingTracePipe = true;
            TracePipe.follow(line -> printk.accept(line));
        }
    }

    private void startRun(AgentCommand.Start start) {
        if (run != null) {
            output.send(new ServerMessage.Error("this agent already ran a program; start a new run"));
            return;
        }
        int timeout = Math.min(MAX_TIMEOUT_SECONDS, start.timeoutSeconds());
        try {
            FreshRandomness.reseedJvm(); // the first command after a VM wakes
            scratch();
        } catch (IOException e) {
            // a workload that needs the directory tries again and says why it cannot
        }
        run = new Run(output, lab);
        attached = run.start(start.source(), start.object(), start.coreBtf(), start.globals(),
                start.xdpInterfaceOrDefault());
        if (!attached) {
            stopping = true;
            return;
        }
        if (start.printkOrDefault()) {
            clearTraceBuffer();
            followTracePipe(line -> output.offer(new ServerMessage.Printk(line.text(), line.pid(), line.comm(),
                    lab.isLab(line.pid(), line.comm()))));
        }
        timer.schedule(() -> {
            output.send(new ServerMessage.Error("the run reached its time limit of " + timeout + " s and was stopped",
                    ErrorCode.TIME_LIMIT, Map.of("seconds", timeout)));
            stopping = true;
            // Closing stdin does not wake a read blocked on a VM's serial port, so the run ends here, not in the
            // reader: detach, say "stopped", clean up and exit (the reader thread goes with the process).
            stop();
            shutdown();
            System.exit(0);
        }, timeout, TimeUnit.SECONDS);
    }

    /** Forget printk lines written before this run, so the learner sees only their program's. */
    private static void clearTraceBuffer() {
        try {
            Files.writeString(TracePipe.TRACEFS.resolve("trace"), "");
        } catch (IOException ignored) {
            // Old lines may show; nothing breaks.
        }
    }

    /**
     * The run's scratch directory, made on first use (the run's start, or a workload sent before it):
     * {@code BPFLAB_SCRATCH/bpflab-run-<16 hex digits read from /dev/urandom now>}, for this agent's user only.
     */
    private synchronized Path scratch() throws IOException {
        if (scratch == null) {
            scratch = newPrivateDirectory(scratchRoot);
        }
        return scratch;
    }

    private static Path newPrivateDirectory(Path root) throws IOException {
        Path dir = root.resolve("bpflab-run-" + HexFormat.of().formatHex(FreshRandomness.read(8)));
        Files.createDirectories(root);
        return Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** Runs a workload in {@code dir}, or in the run's scratch directory when null, and sends {@code to} its result. */
    private void runWorkload(dev.bpflab.protocol.Workload kind, Output to, Path dir) {
        Workload workload = Workloads.of(kind);
        ServerMessage.WorkloadResult answer;
        try {
            Path scratchDir = dir != null ? dir : scratch();
            Path workDir = Files.createDirectories(scratchDir.resolve("workload"));
            Workload.Outcome outcome = workload.perform(workDir);
            answer = new ServerMessage.WorkloadResult(kind.wireName(), true, outcome.detail(), outcome.facts());
        } catch (WorkloadException | IOException e) {
            answer = new ServerMessage.WorkloadResult(kind.wireName(), false, e.getMessage());
        }
        lab.refreshThreadNames(); // the workload may have started threads (its programs' output readers)
        to.send(answer);
    }

    /** Detaches and says "stopped" once, whether input ended, stop was sent or the time limit came. */
    private synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (run != null) {
            run.close();
            if (attached) { // a failed run already said "failed"
                output.send(ServerMessage.Phase.of(RunPhase.STOPPED));
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    private synchronized void shutdown() {
        if (shutDown) {
            return;
        }
        shutDown = true;
        workloads.shutdownNow();
        Workloads.cleanup(); // the lab network namespace, if a workload made one
        output.close();
        if (scratch != null) {
            deleteQuietly(scratch); // one left behind is harmless (on the local backend the server removes it too)
        }
        timer.shutdownNow(); // last: the time limit's own thread may be the one shutting down
    }

}
