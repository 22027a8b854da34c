// Rooms under load: N simulated students in one room, each running real programs through /ws/run (with its learner
// token) and reporting progress on its student channel, while one instructor dashboard watches. Prints the delay from
// each student's status change to the dashboard showing it (p50/p95/max, per kind) and the server's memory (RSS).
// Usage: java bench/RoomsBench.java <server-url> <server-pid> [students=50] [runs-per-student=2] [progress-per-student=10]
// Single-file program (JDK only) so it runs without the project's classpath.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

public class RoomsBench {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final List<String> PHASES = List.of("queued", "compiling", "loading", "attached", "stopped", "failed");

    static String server;
    /** The dashboard's latest row of each student, as the instructor's page would hold it. */
    static final Map<String, Map<String, Object>> rows = new ConcurrentHashMap<>();
    /** Status changes a student saw, waiting for the dashboard to show them. */
    static final List<Expectation> waiting = new CopyOnWriteArrayList<>();
    static final Map<String, List<Double>> delays = new ConcurrentHashMap<>();
    static final AtomicLong dashboardMessages = new AtomicLong();
    static final AtomicLong unmet = new AtomicLong();

    record Expectation(String kind, String studentId, long t0, Predicate<Map<String, Object>> shown) {
    }

    public static void main(String[] args) throws Exception {
        server = args[0].replaceAll("/$", "");
        long pid = Long.parseLong(args[1]);
        int students = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        int runsEach = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        int progressEach = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        String syntaxError = Files.readString(Path.of("server/src/test/resources/programs/syntax_error.bpf.c"));
        String unlink = Files.readString(Path.of("server/src/test/resources/programs/unlink_events.bpf.c"));

        long rssStart = rssKiB(pid);
        Map<String, Object> room = json(call("POST", "/api/rooms", "{\"title\":\"bench\"}", null));
        String roomId = (String) room.get("roomId");
        String secret = (String) room.get("instructorSecret");
        String code = (String) room.get("joinCode");

        CompletableFuture<Void> snapshot = new CompletableFuture<>();
        Socket dashboard = Socket.open(ws("/ws/rooms/" + roomId + "/dashboard?secret=" + secret), m -> {
            long now = System.nanoTime();
            dashboardMessages.incrementAndGet();
            Object type = m.get("type");
            if ("snapshot".equals(type) || "students".equals(type)) {
                for (Object o : (List<?>) m.get("students")) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> row = (Map<String, Object>) o;
                    rows.put((String) row.get("id"), row);
                    settle((String) row.get("id"), row, now);
                }
                snapshot.complete(null);
            }
        });
        snapshot.get(10, TimeUnit.SECONDS);

        List<String[]> members = new ArrayList<>(); // {token, studentId}
        for (int i = 0; i < students; i++) {
            Map<String, Object> joined = json(call("POST", "/api/rooms/join", "{\"code\":\"" + code + "\",\"name\":\"student " + i + "\"}", null));
            members.add(new String[] {(String) joined.get("learnerToken"), (String) joined.get("studentId")});
        }

        long peakRss[] = {rssKiB(pid)};
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peakRss[0] = Math.max(peakRss[0], rssKiB(pid));
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();

        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(students);
        List<Future<?>> work = new ArrayList<>();
        AtomicLong runsDone = new AtomicLong();
        AtomicLong runErrors = new AtomicLong();
        for (int i = 0; i < students; i++) {
            String token = members.get(i)[0];
            String sid = members.get(i)[1];
            Random random = new Random(i);
            work.add(pool.submit(() -> {
                try (Socket channel = Socket.open(ws("/ws/rooms/student?learner=" + token), m -> {
                })) {
                    Thread progress = new Thread(() -> {
                        try {
                            for (int step = 1; step <= progressEach; step++) {
                                Thread.sleep(500 + random.nextInt(2500));
                                int s = step;
                                expect("progress", sid, System.nanoTime(), row -> num(row.get("step")) >= s);
                                channel.send("{\"type\":\"progress\",\"lesson\":\"bench\",\"step\":" + step + "}");
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    progress.start();
                    for (int r = 1; r <= runsEach; r++) {
                        Thread.sleep(random.nextInt(1000));
                        boolean good = (r + random.nextInt(2)) % 2 == 0;
                        try {
                            runOnce(token, sid, r, good ? unlink : syntaxError, good);
                            runsDone.incrementAndGet();
                        } catch (Exception e) {
                            runErrors.incrementAndGet();
                            System.err.println("student " + sid + " run " + r + ": " + e);
                        }
                    }
                    progress.join();
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get(15, TimeUnit.MINUTES);
        }
        Thread.sleep(1500); // the last changes reach the dashboard
        double seconds = (System.nanoTime() - start) / 1e9;
        sampler.interrupt();
        long rssEnd = rssKiB(pid);
        unmet.addAndGet(waiting.size());
        dashboard.close();
        pool.shutdown();
        call("DELETE", "/api/rooms/" + roomId, null, secret);

        System.out.printf("students: %d in one room, %d real runs (%d failed to run), %d progress reports each, %.0f s%n",
                students, runsDone.get(), runErrors.get(), progressEach, seconds);
        System.out.printf("dashboard messages received: %d%n", dashboardMessages.get());
        List<Double> all = new ArrayList<>();
        for (Map.Entry<String, List<Double>> e : new java.util.TreeMap<>(delays).entrySet()) {
            all.addAll(e.getValue());
            System.out.printf("  %-12s n=%5d  p50 %6.1f ms  p95 %6.1f ms  max %6.1f ms%n", e.getKey(), e.getValue().size(),
                    pct(e.getValue(), 50), pct(e.getValue(), 95), pct(e.getValue(), 100));
        }
        System.out.printf("status change -> dashboard: n=%d  p50 %.1f ms  p95 %.1f ms  max %.1f ms  (goal p95 <= 500 ms)%n",
                all.size(), pct(all, 50), pct(all, 95), pct(all, 100));
        System.out.printf("changes never shown on the dashboard: %d%n", unmet.get());
        System.out.printf("server RSS: %.0f MiB before, %.0f MiB peak, %.0f MiB after%n", rssStart / 1024.0, peakRss[0] / 1024.0,
                rssEnd / 1024.0);
        System.exit(unmet.get() == 0 && runErrors.get() == 0 ? 0 : 1);
    }

    /** One press of Run, as the lab page does it: a new /ws/run socket carrying the learner token. */
    static void runOnce(String token, String sid, int run, String source, boolean attaches) throws Exception {
        CompletableFuture<Void> attached = new CompletableFuture<>();
        CompletableFuture<Void> firstEvent = new CompletableFuture<>();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        boolean[] sawEvent = {false};
        try (Socket socket = Socket.open(ws("/ws/run?learner=" + token), m -> {
            long now = System.nanoTime();
            String type = String.valueOf(m.get("type"));
            switch (type) {
                case "phase" -> {
                    String phase = (String) m.get("phase");
                    Integer position = m.get("position") == null ? null : (int) num(m.get("position"));
                    expect("phase", sid, now, row -> reached(row, run, phase, position));
                    if ("attached".equals(phase)) {
                        attached.complete(null);
                    }
                    if ("stopped".equals(phase) || "failed".equals(phase)) {
                        ended.complete(null);
                        attached.completeExceptionally(new IllegalStateException("run ended: " + m));
                    }
                }
                case "diagnostics" -> expect("diagnostics", sid, now, row -> num(row.get("runs")) > run
                        || (num(row.get("runs")) == run && row.get("diagnostic") != null));
                case "event" -> {
                    if (!sawEvent[0]) {
                        sawEvent[0] = true;
                        expect("events", sid, now, row -> num(row.get("runs")) > run
                                || (num(row.get("runs")) == run && num(row.get("events")) >= 1));
                        firstEvent.complete(null);
                    }
                }
                case "error" -> {
                    ended.completeExceptionally(new IllegalStateException(String.valueOf(m.get("message"))));
                    attached.completeExceptionally(new IllegalStateException(String.valueOf(m.get("message"))));
                }
                default -> {
                }
            }
        })) {
            socket.send("{\"type\":\"run\",\"source\":" + quote(source) + ",\"timeoutSeconds\":120}");
            if (attaches) {
                attached.get(5, TimeUnit.MINUTES);
                socket.send("{\"type\":\"workload\",\"name\":\"unlink-file\"}");
                firstEvent.get(60, TimeUnit.SECONDS);
                socket.send("{\"type\":\"stop\"}");
            }
            ended.get(5, TimeUnit.MINUTES);
        }
    }

    /** Whether a dashboard row shows run {@code run} at {@code phase} or later. */
    static boolean reached(Map<String, Object> row, int run, String phase, Integer position) {
        long runs = num(row.get("runs"));
        if (runs != run) {
            return runs > run;
        }
        String shown = (String) row.get("phase");
        int have = PHASES.indexOf(shown);
        int want = PHASES.indexOf(phase);
        if (have < 0) {
            return false;
        }
        if (want >= 4) {
            return have >= 4; // stopped or failed: the run is over either way
        }
        if (have != want) {
            return have > want;
        }
        if (position == null) {
            return true;
        }
        Object shownPosition = row.get("queuePosition");
        return shownPosition != null && num(shownPosition) <= position;
    }

    static void expect(String kind, String studentId, long t0, Predicate<Map<String, Object>> shown) {
        Map<String, Object> row = rows.get(studentId);
        if (row != null && shown.test(row)) {
            record(kind, 0); // the dashboard had it before the student did
            return;
        }
        waiting.add(new Expectation(kind, studentId, t0, shown));
        // A row may have arrived between the test above and the add.
        Map<String, Object> again = rows.get(studentId);
        if (again != null) {
            settle(studentId, again, System.nanoTime());
        }
    }

    static void settle(String studentId, Map<String, Object> row, long now) {
        for (Expectation e : waiting) {
            if (e.studentId().equals(studentId) && e.shown().test(row) && waiting.remove(e)) {
                record(e.kind(), Math.max(0, (now - e.t0()) / 1e6));
            }
        }
    }

    static void record(String kind, double ms) {
        delays.computeIfAbsent(kind, k -> Collections.synchronizedList(new ArrayList<>())).add(ms);
    }

    static long num(Object o) {
        return o instanceof Number n ? n.longValue() : -1;
    }

    static double pct(List<Double> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted;
        synchronized (values) {
            sorted = new ArrayList<>(values);
        }
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    static long rssKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            // the process is gone
        }
        return 0;
    }

    static URI ws(String path) {
        return URI.create(server.replaceFirst("^http", "ws") + path);
    }

    static String call(String method, String path, String body, String secret) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server + path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (secret != null) {
            request.header("Authorization", "Bearer " + secret);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** A WebSocket that hands every JSON text message to a handler. */
    static final class Socket implements AutoCloseable {
        final WebSocket socket;

        private Socket(WebSocket socket) {
            this.socket = socket;
        }

        static Socket open(URI uri, Consumer<Map<String, Object>> handler) {
            WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
                final StringBuilder partial = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket s, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                        String text = partial.toString();
                        partial.setLength(0);
                        try {
                            handler.accept(json(text));
                        } catch (RuntimeException e) {
                            System.err.println("bad message " + text + ": " + e);
                        }
                    }
                    s.request(1);
                    return null;
                }
            }).join();
            return new Socket(ws);
        }

        synchronized void send(String text) {
            socket.sendText(text, true).join();
        }

        @Override
        public void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    // ---- a small JSON reader: objects → LinkedHashMap, arrays → List, numbers → Long/Double ----

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String text) {
        int[] at = {0};
        Object value = read(text, at);
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static Object read(String s, int[] at) {
        skip(s, at);
        char c = s.charAt(at[0]);
        switch (c) {
            case '{' -> {
                Map<String, Object> map = new LinkedHashMap<>();
                at[0]++;
                skip(s, at);
                if (s.charAt(at[0]) == '}') {
                    at[0]++;
                    return map;
                }
                while (true) {
                    skip(s, at);
                    String key = (String) read(s, at);
                    skip(s, at);
                    at[0]++; // ':'
                    map.put(key, read(s, at));
                    skip(s, at);
                    if (s.charAt(at[0]++) == '}') {
                        return map;
                    }
                }
            }
            case '[' -> {
                List<Object> list = new ArrayList<>();
                at[0]++;
                skip(s, at);
                if (s.charAt(at[0]) == ']') {
                    at[0]++;
                    return list;
                }
                while (true) {
                    list.add(read(s, at));
                    skip(s, at);
                    if (s.charAt(at[0]++) == ']') {
                        return list;
                    }
                }
            }
            case '"' -> {
                StringBuilder out = new StringBuilder();
                at[0]++;
                while (true) {
                    char ch = s.charAt(at[0]++);
                    if (ch == '"') {
                        return out.toString();
                    }
                    if (ch == '\\') {
                        char esc = s.charAt(at[0]++);
                        switch (esc) {
                            case 'n' -> out.append('\n');
                            case 't' -> out.append('\t');
                            case 'r' -> out.append('\r');
                            case 'b' -> out.append('\b');
                            case 'f' -> out.append('\f');
                            case 'u' -> {
                                out.append((char) Integer.parseInt(s.substring(at[0], at[0] + 4), 16));
                                at[0] += 4;
                            }
                            default -> out.append(esc);
                        }
                    } else {
                        out.append(ch);
                    }
                }
            }
            case 't' -> {
                at[0] += 4;
                return Boolean.TRUE;
            }
            case 'f' -> {
                at[0] += 5;
                return Boolean.FALSE;
            }
            case 'n' -> {
                at[0] += 4;
                return null;
            }
            default -> {
                int begin = at[0];
                while (at[0] < s.length() && "+-0123456789.eE".indexOf(s.charAt(at[0])) >= 0) {
                    at[0]++;
                }
                String number = s.substring(begin, at[0]);
                return number.matches("-?\\d+") ? (Object) Long.parseLong(number) : (Object) Double.parseDouble(number);
            }
        }
    }

    static void skip(String s, int[] at) {
        while (at[0] < s.length() && Character.isWhitespace(s.charAt(at[0]))) {
            at[0]++;
        }
    }
}
