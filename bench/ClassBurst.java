// The class moment (issue 14): N learners on /ws/run press Run within one second on a lesson's start program, first
// all the same program, then N distinct ones; or, with the class gone, a quiet single run on one or two servers.
// Usage: java bench/ClassBurst.java class <server-url> <learners> <lesson-id>
//        java bench/ClassBurst.java quiet <runs> <lesson-id> <server-url> <label> [<server-url> <label>]
// Single-file program (JDK only) so it runs without the project's classpath.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

public class ClassBurst {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final long CLASS_TIMEOUT_MS = 120_000, SPREAD_MS = 900, WARMUP_DEADLINE_MS = 15 * 60_000;
    static final int NONCE = new Random().nextInt(1_000_000); // distinct programs stay distinct across invocations

    record Lesson(String id, String start, String workload) {}

    public static void main(String[] args) throws Exception {
        if (args[0].equals("class")) {
            String url = args[1];
            int learners = Integer.parseInt(args[2]);
            Lesson lesson = lesson(url, args[3]);
            // The warm-up runs a variant, so that the same-program pass still compiles its program once.
            warmUp(url, marked(lesson.start(), "warmup"), lesson.workload());
            // A class arrives at a server that has been up a while: its pool has filled (or stopped growing).
            int pool = awaitPool(url, learners, 60_000, 900_000);
            awaitIdle(url, pool, 120_000);
            System.out.println("server: " + health(url).get("status"));
            burst(url, learners, "same program", lesson, i -> lesson.start());
            if (!awaitIdle(url, 0, 120_000)) System.out.println("(not idle again within 120 s: " + health(url) + ")");
            awaitPool(url, learners, 60_000, 900_000);
            burst(url, learners, "distinct programs", lesson, i -> marked(lesson.start(), "learner_" + i));
        } else {
            int runs = Integer.parseInt(args[1]);
            Lesson lesson = lesson(args[3], args[2]);
            System.out.printf("%n-- quiet single run: %d runs after a warm-up, lesson %s start program (the same "
                    + "source each time), workload %s%n", runs, lesson.id(), lesson.workload());
            List<double[]> p50s = new ArrayList<>();
            for (int k = 3; k + 1 < args.length; k += 2) {
                p50s.add(quiet(args[k], args[k + 1], runs, lesson));
            }
            if (p50s.size() == 2) {
                System.out.printf("   %s / %s, p50:  Run -> attached %.1fx   Run -> first event %.1fx%n", args[4],
                        args[6], p50s.get(0)[0] / p50s.get(1)[0], p50s.get(0)[1] / p50s.get(1)[1]);
            } else {
                System.out.println("   (the bench's backend is local: measured once, no ratio)");
            }
        }
    }

    /** The lesson's start program and the first workload its first checked step fires, from GET /api/lessons/{id}. */
    static Lesson lesson(String url, String id) throws Exception {
        Map<String, Object> json = obj(Json.parse(get(url + "/api/lessons/" + id)));
        for (Object step : (List<?>) json.get("steps")) {
            if (obj(obj(step).get("check")).get("workloads") instanceof List<?> names && !names.isEmpty()) {
                return new Lesson(id, str(json, "start"), (String) names.get(0));
            }
        }
        throw new IllegalStateException("lesson " + id + " has no step with a workload");
    }

    /** The program made distinct by code, not only by a comment (a cache key may strip comments): a global of its own. */
    static String marked(String source, String tag) {
        return source + "\n/* bench: " + tag + " */\nconst volatile int bpflab_bench_" + tag + " = " + NONCE + ";\n";
    }

    static void burst(String url, int n, String title, Lesson lesson, IntFunction<String> program) throws Exception {
        Tally tally = new Tally();
        List<Client> clients = new ArrayList<>();
        // Everyone is connected before anyone presses Run, each as a machine of its own (an X-Forwarded-For address;
        // class-burst.sh starts the server trusting it) and a learner of a room (a token of their own), as in a
        // workshop: from one address without tokens the server would cap the class as it caps one client.
        List<String> tokens = joinClass(url, "class burst " + NONCE, n);
        for (int i = 0; i < n; i++) {
            clients.add(new Client(program.apply(i), lesson.workload(), tally)
                    .connect(url, "?learner=" + tokens.get(i), "10.20." + i / 250 + "." + (i % 250 + 1)));
        }
        String load = loadAverage();
        HealthSampler sampler = new HealthSampler(url);
        sampler.start();
        ScheduledExecutorService presser = Executors.newSingleThreadScheduledExecutor();
        for (int i = 0; i < n; i++) {
            presser.schedule(clients.get(i)::press, i * SPREAD_MS / n, TimeUnit.MILLISECONDS);
        }
        presser.shutdown();
        presser.awaitTermination(10, TimeUnit.SECONDS);
        await(clients.stream().map(c -> c.settled), CLASS_TIMEOUT_MS); // the ones still waiting count as failed
        Map<String, Object> peak = sampler.finish().peak;
        closeAll(clients);
        System.out.printf("%n-- %s: %d learners press Run within %d ms (lesson %s start program%s, workload %s; "
                + "runs stay live until all have their first event, at most %d s)%n", title, n, SPREAD_MS,
                lesson.id(), title.startsWith("distinct") ? " + a distinct global each" : "", lesson.workload(),
                CLASS_TIMEOUT_MS / 1000);
        System.out.println("   host load before     " + load); // the machine may be shared: it colours every figure
        report(clients);
        System.out.printf("   attached at once     peak %d of %d%n", tally.peak.get(), n);
        System.out.printf("   /q/health at peak    live %d  capacity %d  waiting %d  pooled %d%n      %s%n",
                num(peak, "live"), num(peak, "capacity"), num(peak, "waiting"), num(peak, "pooled"), peak.get("status"));
    }

    /** Returns {attached p50, first event p50} of RUNS quiet runs on one server, after one warm-up run. */
    static double[] quiet(String url, String label, int runs, Lesson lesson) throws Exception {
        warmUp(url, lesson.start(), lesson.workload());
        List<Client> done = new ArrayList<>();
        int minReady = 1; // a quiet run starts with a sandbox ready, unless the server keeps none ready
        for (int r = 0; r < runs; r++) {
            if (!awaitIdle(url, minReady, 30_000)) minReady = 0;
            done.add(single(url, lesson.start(), lesson.workload(), CLASS_TIMEOUT_MS));
        }
        System.out.println("   " + label + " (" + url + "), host load after: " + loadAverage());
        return report(done);
    }

    /**
     * Prints Run -> loading (compiled, a sandbox has it), Run -> attached, attached -> first event, Run -> first event
     * p50/p95/max and the failures; returns the p50s of Run -> attached and Run -> first event.
     */
    static double[] report(List<Client> clients) {
        List<Double> loading = new ArrayList<>(), attached = new ArrayList<>(), eventAfterAttach = new ArrayList<>(),
                firstEvent = new ArrayList<>();
        Map<String, Integer> failures = new TreeMap<>();
        for (Client c : clients) {
            if (c.loading > 0) loading.add((c.loading - c.pressed) / 1e6);
            if (c.attached > 0 && c.firstEvent > 0) eventAfterAttach.add((c.firstEvent - c.attached) / 1e6);
            if (c.attached > 0) attached.add((c.attached - c.pressed) / 1e6);
            if (c.firstEvent > 0) firstEvent.add((c.firstEvent - c.pressed) / 1e6);
            else failures.merge(c.failure(), 1, Integer::sum);
        }
        printLatency("Run -> loading", loading, clients.size());
        printLatency("Run -> attached", attached, clients.size());
        printLatency("attached -> event", eventAfterAttach, clients.size());
        printLatency("Run -> first event", firstEvent, clients.size());
        System.out.printf("   failed               %d of %d%n", clients.size() - firstEvent.size(), clients.size());
        failures.forEach((why, count) -> System.out.printf("      %dx %s%n", count, why));
        return new double[] {pct(attached, 50), pct(firstEvent, 50)};
    }

    /** Runs until one run gets its first event: the server's first run may prepare a saved VM (minutes). */
    static void warmUp(String url, String source, String workload) throws Exception {
        long deadline = System.currentTimeMillis() + WARMUP_DEADLINE_MS;
        while (true) {
            String why;
            try {
                Client c = single(url, source, workload, Math.max(1, deadline - System.currentTimeMillis()));
                if (c.firstEvent > 0) return;
                why = c.failure();
            } catch (Exception e) {
                why = e.toString();
            }
            if (System.currentTimeMillis() + 5_000 > deadline) {
                System.err.println("the server at " + url + " never completed a run in " + WARMUP_DEADLINE_MS / 60_000
                        + " min; last: " + why);
                System.exit(2);
            }
            System.err.println("warm-up run failed (" + why + "); retrying in 5 s");
            Thread.sleep(5_000);
        }
    }

    static Client single(String url, String source, String workload, long timeoutMs) throws Exception {
        Client c = new Client(source, workload, new Tally()).connect(url);
        c.press();
        await(java.util.stream.Stream.of(c.settled), timeoutMs); // c.failure() says what it waited for
        closeAll(List.of(c));
        return c;
    }

    /** Stops every run, waits for its final phase, then closes every connection (the class leaves). */
    static void closeAll(List<Client> clients) throws Exception {
        for (Client c : clients) {
            c.leaving = true;
            if (!c.ended.isDone()) c.socket.sendText("{\"type\":\"stop\"}", true);
        }
        await(clients.stream().map(c -> c.ended), 30_000);
        clients.forEach(c -> c.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bench done"));
        await(clients.stream().map(c -> c.closed), 10_000);
        clients.forEach(c -> c.socket.abort()); // the ones that did not close in time
    }

    static void await(java.util.stream.Stream<CompletableFuture<Void>> futures, long timeoutMs) throws Exception {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // the caller looks at each one
        }
    }

    /**
     * Waits until at least {@code want} sandboxes are pooled, or the count has not grown for {@code stallMs}, or
     * {@code timeoutMs} passed; returns how many are pooled then.
     */
    static int awaitPool(String url, int want, long stallMs, long timeoutMs) throws Exception {
        long start = System.currentTimeMillis();
        long grewAt = start;
        int most = -1;
        while (true) {
            int pooled = num(health(url), "pooled");
            long now = System.currentTimeMillis();
            if (pooled > most) {
                most = pooled;
                grewAt = now;
            }
            if (pooled >= want || now - grewAt > stallMs || now - start > timeoutMs) {
                System.out.printf("   pool: %d sandboxes ready after %d s%n", pooled, (now - start) / 1000);
                return pooled;
            }
            Thread.sleep(1000);
        }
    }

    /** Waits until no run is live or waiting and at least minReady sandboxes are ready; false on timeout. */
    static boolean awaitIdle(String url, int minReady, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            Map<String, Object> h = health(url);
            if (num(h, "live") == 0 && num(h, "waiting") == 0 && num(h, "pooled") >= minReady) return true;
            Thread.sleep(250);
        }
        return false;
    }

    /** The sandbox check's data from /q/health (backend, status, live, capacity, waiting, pooled); empty if unreachable. */
    static Map<String, Object> health(String url) {
        try {
            for (Object check : (List<?>) obj(Json.parse(get(url + "/q/health"))).get("checks")) {
                if ("sandbox".equals(obj(check).get("name"))) return obj(obj(check).get("data"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the sampler is being finished
        } catch (Exception e) {
            // the sampler keeps going; an empty map reads as -1 everywhere
        }
        return Map.of();
    }

    /** The 1, 5 and 15 minute load averages, e.g. "1.52 0.80 0.41". */
    static String loadAverage() throws Exception {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2] + " (1, 5, 15 min)";
    }

    /**
     * Learner tokens of {@code n} students who join one new room titled {@code title}: the server runs a learner
     * token's programs only while its student is in an open room.
     */
    static List<String> joinClass(String url, String title, int n) throws Exception {
        String code = jsonString(post(url + "/api/rooms", "{\"title\":\"" + title + "\"}"), "joinCode");
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String joined = post(url + "/api/rooms/join", "{\"code\":\"" + code + "\",\"name\":\"learner " + i + "\"}");
            tokens.add(jsonString(joined, "learnerToken"));
        }
        return tokens;
    }

    /** POSTs {@code json}; the answer's body, or an exception with it when the status is not 2xx. */
    static String post(String url, String json) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(java.time.Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + url + ": HTTP " + answer.statusCode() + " " + answer.body());
        }
        return answer.body();
    }

    /** The string value of {@code field} in a flat JSON object (the rooms API's answers); an exception if absent. */
    static String jsonString(String json, String field) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + field + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no \"" + field + "\" in " + json);
        }
        return m.group(1);
    }

    static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(java.time.Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Polls /q/health every 250 ms: keeps the sample with the most live sandboxes. */
    static final class HealthSampler extends Thread {
        final String url;
        volatile Map<String, Object> peak = Map.of();

        HealthSampler(String url) { this.url = url; setDaemon(true); }

        HealthSampler finish() throws InterruptedException {
            interrupt();
            join();
            return this;
        }

        @Override
        public void run() {
            try {
                while (!isInterrupted()) {
                    Map<String, Object> h = health(url);
                    if (num(h, "live") > num(peak, "live")) peak = h;
                    Thread.sleep(250);
                }
            } catch (InterruptedException e) {
                // finished
            }
        }
    }

    /** How many runs are attached right now, and the most at once. */
    static final class Tally {
        final AtomicInteger now = new AtomicInteger(), peak = new AtomicInteger();
        void attach() { peak.accumulateAndGet(now.incrementAndGet(), Math::max); }
        void detach() { now.decrementAndGet(); }
    }

    /** One learner's page: one connection, one run, timestamps as the page sees them (System.nanoTime). */
    static final class Client implements WebSocket.Listener {
        final String source, workload;
        final Tally tally;
        final CompletableFuture<Void> settled = new CompletableFuture<>(); // first event, or the run ended without
        final CompletableFuture<Void> ended = new CompletableFuture<>(); // a final phase or the connection gone
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        final StringBuilder partial = new StringBuilder();
        final Map<String, Long> earlyEvents = new HashMap<>(); // filename → time, before our workload named its file
        WebSocket socket;
        volatile long pressed, loading, attached, firstEvent;
        volatile String error, phase = "not pressed", victim;
        volatile boolean leaving; // the bench stopped it: its end is not the run's failure
        boolean counted;

        Client(String source, String workload, Tally tally) { this.source = source; this.workload = workload; this.tally = tally; }

        Client connect(String url) {
            return connect(url, "", null);
        }

        /**
         * Connects to /ws/run{@code query} (e.g. "?learner=..."), as the machine {@code forwardedFor} behind a reverse
         * proxy (an X-Forwarded-For header; null: none), for a server that trusts it.
         */
        Client connect(String url, String query, String forwardedFor) {
            WebSocket.Builder builder = HTTP.newWebSocketBuilder();
            if (forwardedFor != null) builder.header("X-Forwarded-For", forwardedFor);
            socket = builder.buildAsync(URI.create(url.replaceFirst("^http", "ws") + "/ws/run" + query), this).join();
            return this;
        }

        void press() {
            pressed = System.nanoTime();
            socket.sendText("{\"type\":\"run\",\"source\":" + quote(source) + "}", true);
        }

        String failure() {
            if (error != null) return error;
            return (attached > 0 ? "attached, but no event of its own" : "not attached (last phase: " + phase + ")")
                    + " when the bench stopped waiting";
        }

        @Override
        public CompletionStage<?> onText(WebSocket s, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long now = System.nanoTime();
                handle(obj(Json.parse(partial.toString())), now);
                partial.setLength(0);
            }
            s.request(1);
            return null;
        }

        synchronized void handle(Map<String, Object> m, long now) {
            switch (str(m, "type")) {
                case "phase" -> phase(str(m, "phase"), m, now);
                case "error" -> note(str(m, "message"));
                case "diagnostics" -> {
                    for (Object item : (List<?>) m.getOrDefault("items", List.of())) {
                        String severity = str(obj(item), "severity");
                        if (severity.equals("error") || severity.equals("fatal")) {
                            note(str(m, "stage") + " error: " + str(obj(item), "message"));
                        }
                    }
                }
                case "workload" -> { // its detail ends with the file it removed: "rm -f /tmp/.../victim.txt"
                    String detail = str(m, "detail");
                    victim = detail.substring(detail.lastIndexOf(' ') + 1);
                    if (!Boolean.TRUE.equals(m.get("ok"))) note("workload " + workload + " failed: " + detail);
                    Long seen = earlyEvents.get(victim);
                    if (seen != null) event(seen, victim);
                }
                case "event" -> event(now, str(obj(m.get("fields")), "filename"));
                default -> { }
            }
        }

        // Only an event on our own victim file counts: on the local backend every run sees the whole host.
        void event(long at, String filename) {
            if (victim == null) earlyEvents.putIfAbsent(filename, at);
            else if (filename.equals(victim) && firstEvent == 0) {
                firstEvent = at;
                settled.complete(null);
            }
        }

        void phase(String next, Map<String, Object> m, long now) {
            phase = next + (m.containsKey("position") ? " " + num(m, "position") : "");
            if (next.equals("loading")) {
                loading = now;
            } else if (next.equals("attached")) {
                attached = now;
                counted = true;
                tally.attach();
                socket.sendText("{\"type\":\"workload\",\"name\":\"" + workload + "\"}", true);
            } else if (next.equals("failed") || next.equals("stopped")) {
                if (firstEvent == 0 && !leaving) note("ended '" + next + "' before its first event");
                finish();
            }
        }

        void note(String message) {
            if (error == null) error = message;
        }

        synchronized void finish() {
            if (counted) tally.detach();
            counted = false;
            settled.complete(null);
            ended.complete(null);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket s, int status, String reason) {
            if (firstEvent == 0 && !leaving) note("connection closed (" + status + " " + reason + ")");
            finish();
            closed.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket s, Throwable e) {
            note("connection error: " + e);
            finish();
            closed.complete(null);
        }
    }

    static void printLatency(String what, List<Double> ms, int of) {
        System.out.printf("   %-20s p50 %6.0f ms   p95 %6.0f ms   max %6.0f ms   (%d of %d)%n", what, pct(ms, 50),
                pct(ms, 95), pct(ms, 100), ms.size(), of);
    }

    static double pct(List<Double> values, int p) {
        if (values.isEmpty()) return Double.NaN;
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Object o) { return o instanceof Map ? (Map<String, Object>) o : Map.of(); }

    static String str(Map<String, Object> m, String key) { return m.get(key) instanceof String s ? s : ""; }

    static int num(Map<String, Object> m, String key) { return m.get(key) instanceof Double d ? d.intValue() : -1; }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') out.append('\\').append(c);
            else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
            else out.append(c);
        }
        return out.append('"').toString();
    }

    /** Just enough JSON: objects (Map), arrays (List), strings, numbers (Double), true/false/null. */
    static final class Json {
        final String s;
        int i;

        Json(String s) { this.s = s; }

        static Object parse(String text) { return new Json(text).value(); }

        Object value() {
            if (eat('{')) {
                Map<String, Object> map = new LinkedHashMap<>();
                if (!eat('}')) {
                    do { String key = string(); expect(':'); map.put(key, value()); } while (eat(','));
                    expect('}');
                }
                return map;
            }
            if (eat('[')) {
                List<Object> list = new ArrayList<>();
                if (!eat(']')) {
                    do list.add(value()); while (eat(','));
                    expect(']');
                }
                return list;
            }
            if (s.charAt(i) == '"') return string();
            for (String word : new String[] {"true", "false", "null"}) {
                if (s.startsWith(word, i)) { i += word.length(); return word.equals("null") ? null : word.equals("true"); }
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            return Double.parseDouble(s.substring(start, i));
        }

        String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            for (char c = s.charAt(i++); c != '"'; c = s.charAt(i++)) {
                if (c != '\\') out.append(c);
                else if (s.charAt(i) == 'u') { out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16)); i += 5; }
                else {
                    int k = "nrtbf".indexOf(s.charAt(i));
                    out.append(k >= 0 ? "\n\r\t\b\f".charAt(k) : s.charAt(i)); // or " \\ /
                    i++;
                }
            }
            return out.toString();
        }

        boolean eat(char c) { // skips white space first
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
            if (i < s.length() && s.charAt(i) == c) { i++; return true; }
            return false;
        }

        void expect(char c) {
            if (!eat(c)) throw new IllegalArgumentException("expected '" + c + "' at " + i + " in " + s);
        }
    }
}
