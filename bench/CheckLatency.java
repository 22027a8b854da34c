// How long a learner waits after pressing Check: for every lesson, its reference solution and its start code are run
// over /ws/run, and the time from the check message to the verdict is measured on the lesson's last checked step.
// Usage: java -cp <jackson> bench/CheckLatency.java <server-url> [REPEATS=3]
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

public class CheckLatency {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        String server = args[0].replaceAll("/$", "");
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        URI ws = URI.create(server.replaceFirst("^http", "ws") + "/ws/run");
        List<Double> passes = new ArrayList<>();
        List<Double> failures = new ArrayList<>();
        System.out.printf("%-22s %-4s  %-34s %-34s%n", "lesson", "step", "solution: verdict, Check→verdict", "start code: verdict, Check→verdict");
        for (JsonNode summary : get(server + "/api/lessons")) {
            String id = summary.path("id").asText();
            JsonNode lesson = get(server + "/api/lessons/" + id);
            int step = lastCheckedStep(lesson);
            if (step < 0) {
                continue;
            }
            String solution = measure(ws, id, step, lesson.path("solution").asText(), true, repeats, passes);
            String start = measure(ws, id, step, lesson.path("start").asText(), false, repeats, failures);
            System.out.printf("%-22s %-4d  %-34s %-34s%n", id, step + 1, solution, start);
        }
        System.out.printf("%nCheck → passed verdict (solutions):  p50 %6.0f ms   p95 %6.0f ms   (%d checks)%n",
                pct(passes, 50), pct(passes, 95), passes.size());
        System.out.printf("Check → failed verdict (start code): p50 %6.0f ms   p95 %6.0f ms   (%d checks)%n",
                pct(failures, 50), pct(failures, 95), failures.size());
    }

    static int lastCheckedStep(JsonNode lesson) {
        JsonNode steps = lesson.path("steps");
        for (int i = steps.size() - 1; i >= 0; i--) {
            if (!steps.get(i).path("check").isMissingNode() && !steps.get(i).path("check").isNull()) {
                return i;
            }
        }
        return -1;
    }

    /** Runs {@code source} {@code repeats} times, checks it once per run; returns the cell to print. */
    static String measure(URI ws, String lesson, int step, String source, boolean shouldPass, int repeats, List<Double> into)
            throws Exception {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            Inbox inbox = new Inbox();
            WebSocket socket = HTTP.newWebSocketBuilder().buildAsync(ws, inbox).join();
            try {
                socket.sendText(JSON.createObjectNode().put("type", "run").put("source", source).toString(), true).join();
                JsonNode phase = inbox.next(m -> "phase".equals(m.path("type").asText())
                        && List.of("attached", "failed").contains(m.path("phase").asText()), 300);
                if ("failed".equals(phase.path("phase").asText())) {
                    return "not run here: " + abbreviate(inbox.lastComplaint);
                }
                ObjectNode check = JSON.createObjectNode().put("type", "check").put("lesson", lesson).put("step", step)
                        .put("lang", "en");
                long start = System.nanoTime();
                socket.sendText(check.toString(), true).join();
                JsonNode verdict = inbox.next(m -> "check".equals(m.path("type").asText()), 180);
                double ms = (System.nanoTime() - start) / 1e6;
                if (verdict.path("passed").asBoolean() != shouldPass) {
                    return "UNEXPECTED " + (shouldPass ? "fail: " : "pass: ") + abbreviate(verdict.path("message").asText());
                }
                times.add(ms);
                socket.sendText("{\"type\":\"stop\"}", true).join();
            } finally {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null).join();
            }
            Thread.sleep(300); // as between two presses: the VM pool refills
        }
        into.addAll(times);
        return String.format("%s, p50 %5.0f ms", shouldPass ? "passed" : "failed", pct(times, 50));
    }

    static JsonNode get(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    static double pct(List<Double> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /** The messages one socket receives, in order. */
    static final class Inbox implements WebSocket.Listener {
        final LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        final StringBuilder partial = new StringBuilder();
        /** What the server last said went wrong (an error, or the first diagnostic), to explain a failed run. */
        volatile String lastComplaint = "(no reason given)";

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode message = JSON.readTree(partial.toString());
                    if (message.hasNonNull("message")) {
                        lastComplaint = message.path("message").asText();
                    } else if (message.path("items").size() > 0) {
                        lastComplaint = message.path("items").get(0).path("message").asText();
                    }
                    messages.add(message);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }

        JsonNode next(java.util.function.Predicate<JsonNode> match, int seconds) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                JsonNode m = messages.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (m == null) {
                    throw new IllegalStateException("no answer within " + seconds + " s");
                }
                if (match.test(m)) {
                    return m;
                }
            }
        }
    }
}
