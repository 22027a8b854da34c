import dev.bpflab.compiler.CompileLimits;
import dev.bpflab.compiler.HostCompiler;
import dev.bpflab.sandbox.AgentChannel;
import dev.bpflab.sandbox.AgentListener;
import dev.bpflab.sandbox.qemu.QemuBackend;
import dev.bpflab.sandbox.qemu.QemuSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Figures for the qemu backend, measured with real VMs: acquire time (a paused VM from the pool, and one restored on
 * demand), Run → first event, memory per idle pooled VM, and how many VMs stay up (running, answering) at once.
 * Run by bench/vm-bench.sh.
 */
public class VmBench {
    static final String PROGRAM = """
            #include "vmlinux.h"
            #include <bpf/bpf_helpers.h>
            char LICENSE[] SEC("license") = "GPL";
            struct event { int pid; char comm[16]; char filename[64]; };
            struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 1 << 16); } events SEC(".maps");
            SEC("tracepoint/syscalls/sys_enter_unlinkat")
            int on_unlink(struct trace_event_raw_sys_enter *ctx) {
                struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
                if (!e) return 0;
                e->pid = bpf_get_current_pid_tgid() >> 32;
                bpf_get_current_comm(e->comm, sizeof(e->comm));
                bpf_probe_read_user_str(e->filename, sizeof(e->filename), (const char *)ctx->args[1]);
                bpf_ringbuf_submit(e, 0);
                return 0;
            }
            """;

    /** Compiles for the guest as the server does (the jail, the guest's headers, the cache in /var/cache/bpflab). */
    static final HostCompiler COMPILER = compiler();
    /** The program compiled for the guest, once the backend says which kernel that is. */
    static byte[] object, coreBtf;

    static HostCompiler compiler() {
        try {
            return new HostCompiler(Path.of("/var/cache/bpflab"), CompileLimits.defaults(), 2, 64L << 20, o -> { });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static void main(String[] args) throws Exception {
        int acquires = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int pooledForMemory = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int upTarget = args.length > 3 ? Integer.parseInt(args[3]) : 40;
        String accel = System.getProperty("bpflab.qemu.accel", "auto");
        QemuSettings base = QemuSettings.defaults().withAccel(accel).withRunDir(Path.of("/run/bpflab-qemu-bench"))
                .withMaxLive(upTarget + 10);

        try (QemuBackend backend = new QemuBackend(base.withPoolSize(2), COMPILER)) {
            backend.awaitReady(Duration.ofMinutes(15));
            var compiled = COMPILER.compileNow(PROGRAM, backend.targetKernel());
            object = compiled.object();
            coreBtf = compiled.coreBtf();
            System.out.printf("accelerator: %s; host: %d cpus, %d MiB%n", backend.accelerator(),
                    Runtime.getRuntime().availableProcessors(), memInfo("MemTotal") / 1024);

            List<Double> pooled = new ArrayList<>();
            for (int i = 0; i < acquires; i++) {
                awaitPool(backend, 2);
                long t0 = System.nanoTime();
                AgentChannel channel = backend.acquire(p -> { });
                pooled.add(millis(t0));
                channel.close();
            }
            System.out.printf("acquire (paused VM from the pool: cont + clock/RNG reseed), %d samples: %s%n", acquires,
                    percentiles(pooled));

            List<Double> total = new ArrayList<>();
            Map<String, List<Double>> phases = new ConcurrentHashMap<>();
            for (int i = 0; i < runs; i++) {
                awaitPool(backend, 2);
                try (AgentChannel channel = backend.acquire(p -> { })) {
                    total.add(runToFirstEvent(channel, phases));
                }
            }
            System.out.printf("Run -> first event (unlinkat tracepoint, ring buffer; rm fired when attached), %d runs: %s%n",
                    runs, percentiles(total));
            for (String phase : List.of("compiling", "loading", "attached", "event")) {
                System.out.printf("    Run -> %-9s %s%n", phase, percentiles(phases.getOrDefault(phase, List.of())));
            }
        }

        try (QemuBackend backend = new QemuBackend(base.withPoolSize(0), COMPILER)) {
            backend.awaitReady(Duration.ofMinutes(15));
            List<Double> cold = new ArrayList<>();
            for (int i = 0; i < Math.max(5, acquires / 3); i++) {
                long t0 = System.nanoTime();
                AgentChannel channel = backend.acquire(p -> { });
                cold.add(millis(t0));
                channel.close();
            }
            System.out.printf("acquire (no pool: restore on demand), %d samples: %s%n", cold.size(), percentiles(cold));
        }

        try (QemuBackend backend = new QemuBackend(base.withPoolSize(pooledForMemory), COMPILER)) {
            backend.awaitReady(Duration.ofMinutes(15));
            long available = memInfo("MemAvailable");
            awaitPool(backend, pooledForMemory);
            Thread.sleep(2000);
            List<Long> pids = backend.qemuProcesses();
            System.out.printf("idle pooled (paused) VM, %d VMs: %s; MemAvailable dropped %d MiB per VM%n", pids.size(),
                    memory(pids), (available - memInfo("MemAvailable")) / 1024 / Math.max(1, pids.size()));
        }

        // No pool here: its background warm-ups would be counted as the idle VMs' CPU.
        try (QemuBackend backend = new QemuBackend(base.withPoolSize(0), COMPILER)) {
            backend.awaitReady(Duration.ofMinutes(15));
            long available = memInfo("MemAvailable");
            List<AgentChannel> up = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < upTarget; i++) {
                up.add(backend.acquire(p -> { }));
            }
            System.out.printf("%d VMs acquired and running in %.1f s%n", upTarget, millis(t0) / 1000);
            Thread.sleep(5000);
            double busy = cpuBusy(5000);
            int answering = answering(up, Duration.ofSeconds(60));
            List<Long> pids = backend.qemuProcesses();
            System.out.printf("VMs up at once: %d of %d answer the agent protocol; their idle guests keep %.0f%% of the "
                    + "CPUs busy; memory: %s; MemAvailable dropped %d MiB (%d MiB left)%n", answering, upTarget,
                    busy * 100, memory(pids), (available - memInfo("MemAvailable")) / 1024, memInfo("MemAvailable") / 1024);
            up.forEach(AgentChannel::close);
        }
    }

    static double runToFirstEvent(AgentChannel channel, Map<String, List<Double>> phases) throws Exception {
        CountDownLatch event = new CountDownLatch(1);
        long[] start = new long[1];
        StringBuilder trouble = new StringBuilder();
        channel.listen(new AgentListener() {
            @Override
            public void onLine(String line) {
                double at = millis(start[0]);
                if (line.contains("\"phase\"")) {
                    for (String phase : List.of("compiling", "loading", "attached")) {
                        if (line.contains("\"" + phase + "\"")) {
                            phases.computeIfAbsent(phase, k -> Collections.synchronizedList(new ArrayList<>())).add(at);
                        }
                    }
                    if (line.contains("\"attached\"")) {
                        try {
                            channel.send("{\"type\":\"workload\",\"name\":\"unlink-file\"}");
                        } catch (IOException e) {
                            trouble.append(e.getMessage());
                        }
                    }
                } else if (line.contains("\"type\":\"event\"") && event.getCount() > 0) {
                    phases.computeIfAbsent("event", k -> Collections.synchronizedList(new ArrayList<>())).add(at);
                    event.countDown();
                } else if (line.contains("\"error\"") || line.contains("\"diagnostics\"")) {
                    trouble.append(line);
                }
            }

            @Override
            public void onExit(String reason) {
                trouble.append(reason);
                event.countDown();
            }
        });
        start[0] = System.nanoTime();
        channel.send(dev.bpflab.protocol.RunJson.write(new dev.bpflab.protocol.AgentCommand.Start(PROGRAM, object, 300,
                Map.of(), null, null, coreBtf)));
        if (!event.await(120, TimeUnit.SECONDS) || trouble.length() > 0 && !phases.containsKey("event")) {
            throw new IllegalStateException("no event: " + trouble);
        }
        return millis(start[0]);
    }

    /** How many VMs answer a workload request within the timeout (all asked at once). */
    static int answering(List<AgentChannel> channels, Duration timeout) throws Exception {
        CountDownLatch answers = new CountDownLatch(channels.size());
        for (AgentChannel channel : channels) {
            channel.listen(new AgentListener() {
                @Override
                public void onLine(String line) {
                    if (line.contains("\"workload\"")) {
                        answers.countDown();
                    }
                }

                @Override
                public void onExit(String reason) {
                }
            });
            channel.send("{\"type\":\"workload\",\"name\":\"exec-true\"}");
        }
        answers.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return channels.size() - (int) answers.getCount();
    }

    static void awaitPool(QemuBackend backend, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (backend.pooled() < size && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    static String memory(List<Long> pids) {
        long rss = 0;
        long pss = 0;
        long priv = 0;
        for (long pid : pids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                    String[] f = line.split("\\s+");
                    switch (f[0]) {
                        case "Rss:" -> rss += Long.parseLong(f[1]);
                        case "Pss:" -> pss += Long.parseLong(f[1]);
                        case "Private_Clean:", "Private_Dirty:" -> priv += Long.parseLong(f[1]);
                        default -> { }
                    }
                }
            } catch (IOException ignored) {
                // gone
            }
        }
        int n = Math.max(1, pids.size());
        return String.format("per VM RSS %d MiB, PSS %d MiB, private %d MiB", rss / n / 1024, pss / n / 1024,
                priv / n / 1024);
    }

    static long memInfo(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.split("\\s+")[1]);
            }
        }
        return 0;
    }

    /** Fraction of all CPUs busy over the next {@code millis}. */
    static double cpuBusy(long millis) throws Exception {
        long[] a = cpuTimes();
        Thread.sleep(millis);
        long[] b = cpuTimes();
        return 1.0 - (double) (b[1] - a[1]) / (b[0] - a[0]);
    }

    static long[] cpuTimes() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < f.length; i++) {
            total += Long.parseLong(f[i]);
        }
        return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
    }

    static double millis(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    static String percentiles(List<Double> samples) {
        if (samples.isEmpty()) {
            return "no samples";
        }
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        return String.format("p50 %.0f ms, p95 %.0f ms (min %.0f, max %.0f)", at(sorted, 0.50), at(sorted, 0.95),
                sorted.get(0), sorted.get(sorted.size() - 1));
    }

    static double at(List<Double> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }
}
