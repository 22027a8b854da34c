package dev.bpflab.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bpflab.agent.compile.ClangCompiler;
import dev.bpflab.agent.compile.CompileException;
import dev.bpflab.agent.compile.Jail;
import dev.bpflab.agent.compile.KernelHeaders;
import dev.bpflab.agent.workloads.VethPair;
import dev.bpflab.agent.workloads.Workload;
import dev.bpflab.agent.workloads.WorkloadException;
import dev.bpflab.agent.workloads.Workloads;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The guest agent: the only bpflab code that touches clang, libbpf and the kernel. It runs as a child process of the
 * server (local backend) or inside a disposable VM (qemu backend), serves exactly one run and exits.
 *
 * <p>Protocol, one JSON object per line. The agent first writes {@code {"type":"ready","kernel":…}} once it is warm
 * (or an {@code error} and exits). Then it reads:
 * <ul>
 * <li>{@code {"type":"run","source":…,"globals":{…},"timeoutSeconds":N,"xdpInterface":…}}</li>
 * <li>{@code {"type":"workload","name":…}} — answered with {@code {"type":"workload","name","ok","detail"}}</li>
 * <li>{@code {"type":"stop"}} — or end of input</li>
 * </ul>
 * and writes the {@code /ws/run} contract's messages (phase, diagnostics, event, printk, map, dropped, error).
 * Environment: BPFLAB_CACHE (vmlinux.h and PCH cache), BPFLAB_JAIL (bwrap | none), BPFLAB_SCRATCH (temp root).
 */
public final class AgentMain {
    static final int DEFAULT_TIMEOUT_SECONDS = 300;
    static final int MAX_TIMEOUT_SECONDS = 1800;
    static final String DEFAULT_XDP_INTERFACE = VethPair.INTERFACE;

    private final ObjectMapper json = new ObjectMapper();
    private final Output output;
    private final ExecutorService workloads = Executors.newSingleThreadExecutor(r -> daemon(r, "workloads"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "run-timer"));
    private final Path scratch;
    private ClangCompiler compiler;
    private Run run;
    private boolean attached;
    private volatile boolean stopping;

    private AgentMain(PrintStream stdout, Path scratch) {
        this.output = new Output(json, stdout);
        this.scratch = scratch;
    }

    public static void main(String[] args) throws IOException {
        // stdout carries the protocol; anything else printed by libraries goes to stderr.
        PrintStream protocol = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
                StandardCharsets.UTF_8);
        System.setOut(System.err);
        Path scratchRoot = Path.of(System.getenv().getOrDefault("BPFLAB_SCRATCH", System.getProperty("java.io.tmpdir")));
        Path scratch = Files.createTempDirectory(scratchRoot, "bpflab-run-");
        AgentMain agent = new AgentMain(protocol, scratch);
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
            output.send(output.message("error").put("message", problem));
            return 2;
        }
        output.send(output.message("ready").put("kernel", kernelRelease()));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while (!stopping && (line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode message;
            try {
                message = json.readTree(line);
            } catch (IOException e) {
                output.send(output.message("error").put("message", "the agent got a line that is not JSON: " + e.getMessage()));
                continue;
            }
            handle(message);
        }
        stop();
        return 0;
    }

    /** Everything slow that does not depend on the program: libbpf, the compiler, kernel headers and their PCH. */
    private String warmUp() {
        if (!isRoot()) {
            return "the bpflab agent must run as root (loading BPF programs needs CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN): "
                    + "start bpflab with sudo";
        }
        try {
            Jail jail = Jail.create(System.getenv().getOrDefault("BPFLAB_JAIL", "bwrap"));
            Path cache = Path.of(System.getenv().getOrDefault("BPFLAB_CACHE", "/var/cache/bpflab"));
            KernelHeaders headers = KernelHeaders.prepare(cache, jail, ClangCompiler.FLAGS);
            compiler = new ClangCompiler(jail, headers);
        } catch (CompileException e) {
            return e.getMessage();
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

    private void handle(JsonNode message) {
        String type = message.path("type").asText();
        switch (type) {
            case "run" -> startRun(message);
            case "workload" -> workloads.submit(() -> runWorkload(message.path("name").asText()));
            case "warmup" -> warmUpPipeline();
            case "stop" -> stopping = true;
            default -> output.send(output.message("error").put("message",
                    "unknown message type '" + type + "': send run, workload or stop"));
        }
    }

    /** A small program that touches every stage of a run: compile, load, attach, a ring buffer record, a workload. */
    private static final String WARM_UP_PROGRAM = String.join("\n",
            "#include \"vmlinux.h\"",
            "#include <bpf/bpf_helpers.h>",
            "char LICENSE[] SEC(\"license\") = \"GPL\";",
            "struct event { int pid; char comm[16]; char filename[64]; };",
            "struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 1 << 16); } events SEC(\".maps\");",
            "SEC(\"tracepoint/syscalls/sys_enter_unlinkat\")",
            "int on_unlink(struct trace_event_raw_sys_enter *ctx)",
            "{",
            "\tstruct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);",
            "\tif (!e)",
            "\t\treturn 0;",
            "\te->pid = bpf_get_current_pid_tgid() >> 32;",
            "\tbpf_get_current_comm(e->comm, sizeof(e->comm));",
            "\tbpf_probe_read_user_str(e->filename, sizeof(e->filename), (const char *)ctx->args[1]);",
            "\tbpf_ringbuf_submit(e, 0);",
            "\treturn 0;",
            "}", "");

    /**
     * Runs {@link #WARM_UP_PROGRAM} once with its output thrown away, so the code paths of a real run are already
     * compiled by the JIT and paged in. A VM template does this before its snapshot (under emulation it halves the
     * first run); it does not count as the agent's one run.
     */
    private void warmUpPipeline() {
        long started = System.nanoTime();
        try (Output discarded = new Output(json, java.io.OutputStream.nullOutputStream());
                Run warm = new Run(json, discarded, compiler, scratch)) {
            if (warm.start(WARM_UP_PROGRAM, Map.of(), DEFAULT_XDP_INTERFACE)) {
                Workloads.byName("unlink-file").orElseThrow().run(Files.createDirectories(scratch.resolve("workload")));
                Thread.sleep(200); // let the record reach the ring buffer poller
            }
        } catch (WorkloadException | IOException e) {
            // a warm-up that did not go all the way still warmed what it reached
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        output.send(output.message("warm").put("ms", (System.nanoTime() - started) / 1_000_000));
    }

    private void startRun(JsonNode message) {
        if (run != null) {
            output.send(output.message("error").put("message", "this agent already ran a program; start a new run"));
            return;
        }
        String source = message.path("source").asText("");
        if (source.isBlank()) {
            output.send(output.message("error").put("message", "the run has no source: send the C program in \"source\""));
            output.send(output.message("phase").put("phase", "failed"));
            stopping = true;
            return;
        }
        Map<String, JsonNode> globals = new LinkedHashMap<>();
        message.path("globals").fields().forEachRemaining(e -> globals.put(e.getKey(), e.getValue()));
        int timeout = Math.min(MAX_TIMEOUT_SECONDS, Math.max(1, message.path("timeoutSeconds").asInt(DEFAULT_TIMEOUT_SECONDS)));
        run = new Run(json, output, compiler, scratch);
        attached = run.start(source, globals, message.path("xdpInterface").asText(DEFAULT_XDP_INTERFACE));
        if (!attached) {
            stopping = true;
            return;
        }
        if (message.path("printk").asBoolean(true)) {
            clearTraceBuffer();
            TracePipe.follow(line -> {
                ObjectNode printk = output.message("printk").put("text", line.text()).put("pid", line.pid())
                        .put("comm", line.comm());
                output.offer(printk);
            });
        }
        timer.schedule(() -> {
            output.send(output.message("error").put("message", "the run reached its time limit of " + timeout
                    + " s and was stopped"));
            stopping = true;
            try {
                System.in.close(); // wakes the reader so the agent stops now
            } catch (IOException ignored) {
                // stop() runs when the reader ends either way
            }
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

    private void runWorkload(String name) {
        ObjectNode answer = output.message("workload").put("name", name);
        Workload workload = Workloads.byName(name).orElse(null);
        if (workload == null) {
            answer.put("ok", false).put("detail", "no workload named '" + name + "'; known: "
                    + Workloads.all().stream().map(Workload::name).toList());
        } else {
            try {
                Path dir = Files.createDirectories(scratch.resolve("workload"));
                answer.put("ok", true).put("detail", workload.run(dir));
            } catch (WorkloadException | IOException e) {
                answer.put("ok", false).put("detail", e.getMessage());
            }
        }
        output.send(answer);
    }

    private void stop() {
        if (run != null) {
            run.close();
            if (attached) { // a failed run already said "failed"
                output.send(output.message("phase").put("phase", "stopped"));
            }
        }
    }

    private void shutdown() {
        timer.shutdownNow();
        workloads.shutdownNow();
        Workloads.cleanup(); // the lab network namespace, if a workload made one
        output.close();
        deleteRecursively(scratch);
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // the effective uid
                }
            }
        } catch (IOException ignored) {
            // fall through
        }
        return false;
    }

    private static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return System.getProperty("os.version");
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
