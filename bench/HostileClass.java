// A class under attack (issue 15): LEARNERS honest learners keep pressing Run on a lesson's start program (a new
// socket per run, the workload fired once attached, stopped at the first event, 10-30 s to read and edit, again) for
// SECONDS; first alone, then with five hostile clients running the whole time:
//   flooder        one socket sending bursts of run messages, each a distinct program (each a compile)
//   never-reader   a run whose program emits an event per syscall, on a socket that never reads
//   slot hoarder   9 runs asking for timeoutSeconds 1800, from one address
//   socket hog     300 idle sockets from one address
//   echo abuser    unknown message types of 60 000 characters, ten a second, from one address
// Every client is its own machine: a distinct X-Forwarded-For address (the bench server trusts it, as behind a
// reverse proxy), and each honest learner has a learner token (?learner=...). It prints the honest learners'
// Run -> first event p50/p95/max with and without the hostile ones, the server's resident memory and threads in each
// phase, and what each hostile client got.
// Usage: java -cp target/bench HostileClass <server-url> <server-pid> <learners> <lesson-id> <seconds>
// Compiled together with ClassBurst.java (its WebSocket client, JSON reader and percentiles).
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

public class HostileClass {
    static final String FLOOD_PROGRAM = String.join("\n",
            "#include \"vmlinux.h\"",
            "#include <bpf/bpf_helpers.h>",
            "char LICENSE[] SEC(\"license\") = \"GPL\";",
            "struct event { u32 pid; char comm[16]; };",
            "struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 1 << 20); } events SEC(\".maps\");",
            "SEC(\"raw_tp/sys_enter\")",
            "int on_syscall(void *ctx)",
            "{",
            "\tstruct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);",
            "\tif (!e)",
            "\t\treturn 0;",
            "\te->pid = bpf_get_current_pid_tgid() >> 32;",
            "\tbpf_get_current_comm(e->comm, sizeof(e->comm));",
            "\tbpf_ringbuf_submit(e, 0);",
            "\treturn 0;",
            "}", "");

    public static void main(String[] args) throws Exception {
        String url = args[0];
        long serverPid = Long.parseLong(args[1]);
        int learners = Integer.parseInt(args[2]);
        ClassBurst.Lesson lesson = ClassBurst.lesson(url, args[3]);
        int seconds = Integer.parseInt(args[4]);
        ClassBurst.warmUp(url, lesson.start(), lesson.workload());
        System.out.printf("%d honest learners for %d s on lesson %s (workload %s); server pid %d; host load %s%n",
                learners, seconds, lesson.id(), lesson.workload(), serverPid, ClassBurst.loadAverage());

        Phase calm = new Phase(url, serverPid, learners, lesson, seconds, false).run();
        calm.print("hostile-free");
        ClassBurst.awaitIdle(url, 0, 120_000);
        Phase attacked = new Phase(url, serverPid, learners, lesson, seconds, true).run();
        attacked.print("with 5 hostile clients");

        // Runs that never reached their first event count as slower than any that did: a p95 among the runs that
        // worked alone would hide a class that mostly failed.
        double ratio = attacked.p(95) / calm.p(95);
        System.out.printf("%n-- honest Run -> first event p95, runs that never got there counted as never: %s with the "
                + "hostile clients, %s without: %s (goal: at most 1.5x)%n", ms(attacked.p(95)), ms(calm.p(95)),
                Double.isFinite(ratio) ? String.format("%.2fx", ratio) : "no ratio");
        System.out.printf("   server resident memory, most: %d MiB with, %d MiB without; threads, most: %d with, %d "
                + "without%n", attacked.rssMax / 1024, calm.rssMax / 1024, attacked.threadsMax, calm.threadsMax);
        System.out.printf("   after the attack (clients gone, 10 s later): %d MiB, %d threads%n",
                attacked.rssAfter / 1024, attacked.threadsAfter);
    }

    static String ms(double value) {
        return Double.isFinite(value) ? String.format("%.0f ms", value) : "never";
    }

    /** One stretch of the class: honest learners, and the hostile clients if asked; server memory sampled. */
    static final class Phase {
        final String url;
        final long serverPid;
        final int learners;
        final ClassBurst.Lesson lesson;
        final int seconds;
        final boolean hostile;
        final List<Double> firstEventMs = Collections.synchronizedList(new ArrayList<>());
        final List<ClassBurst.Client> honestRuns = Collections.synchronizedList(new ArrayList<>());
        final Map<String, Integer> failures = new ConcurrentHashMap<>();
        /** The honest learners' tokens: they join a room, as a class does (a made-up token runs nothing). */
        List<String> tokens;
        final List<String> hostileReport = Collections.synchronizedList(new ArrayList<>());
        long rssMax, rssAfter;
        int threadsMax, threadsAfter;
        volatile boolean over;

        Phase(String url, long serverPid, int learners, ClassBurst.Lesson lesson, int seconds, boolean hostile) {
            this.url = url;
            this.serverPid = serverPid;
            this.learners = learners;
            this.lesson = lesson;
            this.seconds = seconds;
            this.hostile = hostile;
        }

        Phase run() throws Exception {
            tokens = ClassBurst.joinClass(url, hostile ? "attacked class" : "calm class", learners);
            long end = System.currentTimeMillis() + seconds * 1000L;
            Thread sampler = new Thread(() -> {
                while (!over) {
                    sample();
                    try { Thread.sleep(500); } catch (InterruptedException e) { return; }
                }
            });
            sampler.setDaemon(true);
            sampler.start();
            List<Thread> attackers = new ArrayList<>();
            if (hostile) {
                attackers.add(start("flooder", this::flooder));
                attackers.add(start("never-reader", this::neverReader));
                attackers.add(start("slot hoarder", this::slotHoarder));
                attackers.add(start("socket hog", this::socketHog));
                attackers.add(start("echo abuser", this::echoAbuser));
                Thread.sleep(2000); // the attack is under way before the class starts
            }
            List<Thread> honest = new ArrayList<>();
            for (int i = 0; i < learners; i++) {
                int learner = i;
                honest.add(start("learner-" + i, () -> learner(learner, end)));
            }
            for (Thread t : honest) t.join();
            over = true;
            for (Thread t : attackers) t.join(60_000);
            sampler.join();
            if (hostile) {
                Thread.sleep(10_000);
                long[] now = status();
                rssAfter = now[0];
                threadsAfter = (int) now[1];
            }
            return this;
        }

        static Thread start(String name, ThrowingRunnable body) {
            Thread t = new Thread(() -> {
                try {
                    body.run();
                } catch (Exception e) {
                    System.out.println("   (" + name + " stopped: " + e + ")");
                }
            }, name);
            t.setDaemon(true);
            t.start();
            return t;
        }

        /**
         * Presses Run, waits for its first event (at most 60 s), stops, then reads and edits for 10-30 s (a learner's
         * pace; pressing again after 1-4 s, 40 learners alone keep two TCG cores saturated and every figure is the
         * queue's); until the phase ends.
         */
        void learner(int i, long end) throws Exception {
            Random random = new Random(i);
            Thread.sleep(random.nextInt(3000)); // a class does not press in the same millisecond
            while (System.currentTimeMillis() < end) {
                ClassBurst.Client c = new ClassBurst.Client(lesson.start(), lesson.workload(), new ClassBurst.Tally())
                        .connect(url, "?learner=" + tokens.get(i), "10.1." + (i / 250) + "." + (i % 250 + 1));
                c.press();
                ClassBurst.await(java.util.stream.Stream.of(c.settled), 60_000);
                honestRuns.add(c);
                if (c.firstEvent > 0) firstEventMs.add((c.firstEvent - c.pressed) / 1e6);
                else failures.merge(c.failure(), 1, Integer::sum);
                ClassBurst.closeAll(List.of(c));
                Thread.sleep(10_000 + random.nextInt(20_000));
            }
        }

        /** Bursts of 50 run messages, each a distinct program, every 200 ms, on one socket. */
        void flooder() throws Exception {
            Counting socket = new Counting().connect(url, "10.9.0.1");
            int sent = 0;
            while (!over && !socket.closed.isDone()) {
                for (int k = 0; k < 50; k++) {
                    socket.send("{\"type\":\"run\",\"source\":" + ClassBurst.quote(ClassBurst.marked(lesson.start(),
                            "flood_" + sent++)) + "}");
                }
                Thread.sleep(200);
            }
            socket.close();
            hostileReport.add(String.format("flooder: sent %d run messages; got %d errors (first: %s), %d "
                    + "attached runs%s", sent, socket.errors.get(), socket.firstError, socket.attached.get(),
                    socket.closedWhy()));
        }

        /** A run that emits an event per syscall on this host, on a socket that reads nothing after the upgrade. */
        void neverReader() throws Exception {
            Counting socket = new Counting();
            socket.reads = false;
            socket.connect(url, "10.9.0.2");
            socket.send("{\"type\":\"run\",\"source\":" + ClassBurst.quote(FLOOD_PROGRAM) + "}");
            while (!over) Thread.sleep(200);
            boolean stillOpen = socket.trySend("{\"type\":\"stop\"}");
            socket.close();
            hostileReport.add("never-reader: its socket " + (stillOpen ? "was still open at the end"
                    : "had been closed by the server"));
        }

        /** Nine runs with the longest time limit from one address, each on its own socket, read normally. */
        void slotHoarder() throws Exception {
            List<Counting> sockets = new ArrayList<>();
            for (int k = 0; k < 9; k++) {
                Counting socket = new Counting().connect(url, "10.9.0.3");
                socket.send("{\"type\":\"run\",\"timeoutSeconds\":1800,\"source\":"
                        + ClassBurst.quote(ClassBurst.marked(lesson.start(), "hoard_" + k)) + "}");
                sockets.add(socket);
            }
            while (!over) Thread.sleep(200);
            int attached = 0, refused = 0;
            String said = null;
            for (Counting s : sockets) {
                attached += s.attached.get();
                refused += s.errors.get();
                if (said == null) said = s.firstError;
                s.close();
            }
            hostileReport.add(String.format("slot hoarder: 9 runs of 1800 s asked, %d attached, %d errors (first: %s)",
                    attached, refused, said));
        }

        /** 300 sockets from one address, opened and left idle. */
        void socketHog() throws Exception {
            List<Counting> sockets = new ArrayList<>();
            int refused = 0;
            for (int k = 0; k < 300 && !over; k++) {
                try {
                    sockets.add(new Counting().connect(url, "10.9.0.4"));
                } catch (CompletionException e) {
                    refused++;
                }
            }
            while (!over) Thread.sleep(200);
            long closedByServer = sockets.stream().filter(s -> s.closed.isDone()).count();
            sockets.forEach(Counting::close);
            hostileReport.add(String.format("socket hog: %d sockets opened before the class ended (of 300 it tries), "
                    + "%d refused at the upgrade, %d closed by the server (refused after it)", sockets.size() + refused,
                    refused, closedByServer));
        }

        /** Unknown message types of 60 000 characters, ten a second: how much comes back? */
        void echoAbuser() throws Exception {
            Counting socket = new Counting().connect(url, "10.9.0.5");
            String big = "x".repeat(60_000);
            long sentBytes = 0;
            while (!over && !socket.closed.isDone()) {
                String message = "{\"type\":\"" + big + "\"}";
                if (!socket.trySend(message)) break;
                sentBytes += message.length();
                Thread.sleep(100);
            }
            socket.close();
            hostileReport.add(String.format("echo abuser: sent %d KiB, got back %d KiB in %d errors%s",
                    sentBytes / 1024, socket.receivedChars.get() / 1024, socket.errors.get(), socket.closedWhy()));
        }

        void sample() {
            long[] now = status();
            rssMax = Math.max(rssMax, now[0]);
            threadsMax = Math.max(threadsMax, (int) now[1]);
        }

        /** {VmRSS in KiB, Threads} of the server process. */
        long[] status() {
            long rss = 0, threads = 0;
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + serverPid + "/status"))) {
                    if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    if (line.startsWith("Threads:")) threads = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            } catch (Exception e) {
                // the server is gone: zeros
            }
            return new long[] {rss, threads};
        }

        /** The percentile over every honest run, a run that never reached its first event counted as infinitely slow. */
        double p(int percentile) {
            List<Double> all = new ArrayList<>(firstEventMs);
            int failed = failures.values().stream().mapToInt(Integer::intValue).sum();
            all.addAll(Collections.nCopies(failed, Double.POSITIVE_INFINITY));
            return ClassBurst.pct(all, percentile);
        }

        void print(String title) {
            int failed = failures.values().stream().mapToInt(Integer::intValue).sum();
            System.out.printf("%n-- %s: %d honest runs in %d s%n", title, firstEventMs.size() + failed, seconds);
            // Where honest runs waited: before "loading" is the queue, the compile and taking a sandbox.
            ClassBurst.report(List.copyOf(honestRuns));
            System.out.printf("   server               resident memory at most %d MiB, threads at most %d%n",
                    rssMax / 1024, threadsMax);
            hostileReport.forEach(line -> System.out.println("   " + line));
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** A hostile client's socket: counts what the server answers, or reads nothing at all. */
    static final class Counting implements WebSocket.Listener {
        WebSocket socket;
        boolean reads = true;
        final AtomicInteger errors = new AtomicInteger(), attached = new AtomicInteger();
        final AtomicLong receivedChars = new AtomicLong();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        volatile String firstError;
        final StringBuilder partial = new StringBuilder();

        Counting connect(String url, String forwardedFor) {
            socket = ClassBurst.HTTP.newWebSocketBuilder().header("X-Forwarded-For", forwardedFor)
                    .buildAsync(java.net.URI.create(url.replaceFirst("^http", "ws") + "/ws/run"), this).join();
            return this;
        }

        @Override
        public void onOpen(WebSocket s) {
            if (reads) s.request(1); // a never-reader asks for nothing: the server's messages pile up on its side
        }

        void send(String text) {
            socket.sendText(text, true).join();
        }

        boolean trySend(String text) {
            try {
                socket.sendText(text, true).get(5, TimeUnit.SECONDS);
                return true;
            } catch (Exception e) {
                return false;
            }
        }

        void close() {
            socket.abort();
        }

        String closedWhy() {
            return closed.isDone() ? "; the server closed it: " + closed.join() : "";
        }

        @Override
        public CompletionStage<?> onText(WebSocket s, CharSequence data, boolean last) {
            receivedChars.addAndGet(data.length());
            partial.append(data);
            if (last) {
                Map<String, Object> m = ClassBurst.obj(ClassBurst.Json.parse(partial.toString()));
                partial.setLength(0);
                if ("error".equals(m.get("type"))) {
                    errors.incrementAndGet();
                    if (firstError == null) firstError = ClassBurst.str(m, "message");
                } else if ("phase".equals(m.get("type")) && "attached".equals(m.get("phase"))) {
                    attached.incrementAndGet();
                }
            }
            s.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket s, int status, String reason) {
            closed.complete(status + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket s, Throwable e) {
            closed.complete("error " + e);
        }
    }
}
