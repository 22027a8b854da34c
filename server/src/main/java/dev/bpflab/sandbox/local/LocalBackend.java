package dev.bpflab.sandbox.local;

import dev.bpflab.compiler.TargetKernel;
import dev.bpflab.protocol.AgentMessage;
import dev.bpflab.protocol.ProtocolException;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.sandbox.AdmissionQueue;
import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.sandbox.SandboxBackend;
import dev.bpflab.sandbox.SandboxException;
import dev.bpflab.support.process.ProcessTree;
import dev.bpflab.support.threads.Daemons;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntConsumer;
import org.jboss.logging.Logger;

/**
 * Runs each agent as a child process on this host's kernel: for development and tests, not for untrusted users
 * (their programs run in this kernel). A few agents are started ahead of time and kept waiting, so a run does not
 * pay for a JVM start; each agent still serves exactly one run.
 */
public final class LocalBackend implements SandboxBackend {
    private static final Logger LOG = Logger.getLogger(LocalBackend.class);
    private static final long READY_TIMEOUT_MS = 60_000;
    private static final TargetKernel KERNEL = TargetKernel.running();
    /** What runs name this host's kernel by. */
    public static final String KERNEL_ID = "host";

    private final List<String> command;
    private final Map<String, String> environment;
    private final int warmAgents;
    private final AdmissionQueue admission;
    private final ConcurrentLinkedDeque<AgentProcess> warm = new ConcurrentLinkedDeque<>();
    private final ExecutorService refill = Executors.newSingleThreadExecutor(Daemons.factory("local-agent-refill"));
    private volatile boolean closed;

    public LocalBackend(Path agentJar, Map<String, String> environment, int warmAgents, int maxLive) throws SandboxException {
        if (!Files.isRegularFile(agentJar)) {
            throw new SandboxException("the agent jar " + agentJar.toAbsolutePath() + " is missing: build it with "
                    + "`./mvnw package -DskipTests` (or set bpflab.agent.jar)");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path libs = agentJar.resolveSibling("agent-lib");
        this.command = List.of(java.toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k",
                "-Xmx256m",
                // workloads exec their program directly, so events show "rm", not the JDK's jspawnhelper
                "-Djdk.lang.Process.launchMechanism=VFORK", "-cp", agentJar.toAbsolutePath() + ":" + libs.toAbsolutePath() + "/*",
                "dev.bpflab.agent.AgentMain");
        this.environment = Map.copyOf(environment);
        this.warmAgents = warmAgents;
        this.admission = new AdmissionQueue(maxLive);
        for (int i = 0; i < warmAgents; i++) {
            refill.submit(this::addWarmAgent);
        }
    }

    @Override
    public String name() {
        return "local";
    }

    /** The kernel this host runs: the agent loads programs into it. */
    /** How long a run over its client's fair share keeps its sandbox while others wait ({@link AdmissionQueue}). */
    public void overShareGrace(java.time.Duration grace) {
        admission.overShareGrace(grace);
    }

    @Override
    public TargetKernel targetKernel() {
        return KERNEL;
    }

    /** The one kernel: this host's ({@value #KERNEL_ID}), compiled for with the host's clang and libbpf headers. */
    @Override
    public java.util.List<dev.bpflab.sandbox.Kernel> kernels() {
        return java.util.List.of(new dev.bpflab.sandbox.Kernel(KERNEL_ID, "this host's kernel", KERNEL.release(),
                "this host's clang and libbpf", dev.bpflab.sandbox.Preparation.READY));
    }

    @Override
    public AgentChannel acquire(Object client, IntConsumer queuePosition)
            throws SandboxException, InterruptedException {
        AdmissionQueue.Slot slot = admission.acquire(client, queuePosition);
        try {
            AgentProcess agent = warm.pollFirst();
            while (agent != null && !agent.alive()) {
                agent.close();
                agent = warm.pollFirst();
            }
            if (agent == null) {
                agent = startReadyAgent();
            }
            agent.setOnClose(slot::release);
            slot.served(agent::reclaim);
            if (!closed) {
                refill.submit(this::addWarmAgent);
            }
            return agent;
        } catch (SandboxException | RuntimeException | InterruptedException e) {
            slot.release();
            throw e;
        }
    }

    private void addWarmAgent() {
        if (closed || warm.size() >= warmAgents) {
            return;
        }
        try {
            warm.addLast(startReadyAgent());
        } catch (SandboxException e) {
            LOG.warnf("could not start a warm agent: %s", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts an agent and waits for its ready line. Each agent gets a scratch directory of its own (the learner's
     * source, the object, the workloads' files), which {@link AgentProcess#close()} removes even when the agent had to
     * be killed before it could clean up after itself.
     */
    private AgentProcess startReadyAgent() throws SandboxException, InterruptedException {
        Path scratch;
        try {
            scratch = Files.createTempDirectory("bpflab-agent-");
        } catch (IOException e) {
            throw new SandboxException("could not create a scratch directory for the agent: " + e.getMessage());
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        builder.environment().put("BPFLAB_SCRATCH", scratch.toString());
        // Here the server is the lab too: a program counting every process's system calls labels it as the lab's own.
        builder.environment().put("BPFLAB_LAB_PIDS", String.valueOf(ProcessHandle.current().pid()));
        ProcessTree process;
        try {
            process = ProcessTree.start(builder);
        } catch (IOException e) {
            AgentProcess.deleteScratch(scratch);
            throw new SandboxException("could not start the agent (" + command.get(0) + "): " + e.getMessage());
        }
        AgentProcess agent = new AgentProcess(process, scratch);
        String first = agent.awaitFirstLine(READY_TIMEOUT_MS);
        AgentMessage said = decode(first);
        if (!(said instanceof AgentMessage.Ready)) {
            agent.close();
            throw new SandboxException(first == null
                    ? "the agent did not become ready within " + READY_TIMEOUT_MS / 1000 + " s"
                    : said instanceof ServerMessage.Error error ? "the agent could not start: " + error.message()
                    : "the agent could not start; it said: " + first.substring(0, Math.min(first.length(), 300)));
        }
        return agent;
    }

    private static AgentMessage decode(String line) {
        try {
            return line == null ? null : RunJson.agent(line);
        } catch (ProtocolException e) {
            return null;
        }
    }

    @Override
    public String status() {
        return "local agents: " + admission.live() + " live of " + admission.capacity() + ", " + admission.waiting()
                + " waiting, " + warm.size() + " warm";
    }

    @Override
    public Load load() {
        return new Load(admission.live(), admission.capacity(), admission.waiting(), warm.size());
    }

    @Override
    public void close() {
        closed = true;
        refill.shutdownNow();
        List<AgentProcess> idle = new ArrayList<>(warm);
        warm.clear();
        idle.forEach(AgentProcess::close);
    }
}
