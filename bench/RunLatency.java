// Measures Run → attached and Run → first event over /ws/run, as a learner's page experiences them.
// Usage: java bench/RunLatency.java <server-url> <runs> <program.bpf.c> <workload> [kernel]
//   kernel: the id of GET /api/kernels the runs name (none: the lab's default)
// Single-file program (JDK only) so it runs without the project's classpath.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

public class RunLatency {
    public static void main(String[] args) throws Exception {
        URI ws = URI.create(args[0].replaceFirst("^http", "ws") + "/ws/run");
        int runs = Integer.parseInt(args[1]);
        String source = Files.readString(Path.of(args[2]));
        String workload = args[3];
        String kernel = args.length > 4 ? args[4] : null;
        List<Double> attached = new ArrayList<>();
        List<Double> firstEvent = new ArrayList<>();
        for (int i = 0; i < runs + 1; i++) {
            double[] t = once(ws, source, workload, kernel);
            if (i == 0) {
                continue; // warm-up: the server's first run also warms its own code paths
            }
            attached.add(t[0]);
            firstEvent.add(t[1]);
            Thread.sleep(300); // let the pool refill, as between two presses of Run
        }
        System.out.printf("runs: %d (after 1 warm-up), program %s, workload %s, kernel %s%n", runs,
                Path.of(args[2]).getFileName(), workload, kernel == null ? "(the default)" : kernel);
        System.out.printf("Run -> attached:    p50 %6.0f ms   p95 %6.0f ms%n", pct(attached, 50), pct(attached, 95));
        System.out.printf("Run -> first event: p50 %6.0f ms   p95 %6.0f ms%n", pct(firstEvent, 50), pct(firstEvent, 95));
    }

    static double[] once(URI ws, String source, String workload, String kernel) throws Exception {
        CompletableFuture<Long> attachedAt = new CompletableFuture<>();
        CompletableFuture<Long> eventAt = new CompletableFuture<>();
        StringBuilder failure = new StringBuilder();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(ws, new WebSocket.Listener() {
            final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket s, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    String m = partial.toString();
                    partial.setLength(0);
                    long now = System.nanoTime();
                    if (m.contains("\"phase\":\"attached\"")) {
                        attachedAt.complete(now);
                        s.sendText("{\"type\":\"workload\",\"name\":\"" + workload + "\"}", true);
                    } else if (m.startsWith("{\"type\":\"event\"")) {
                        eventAt.complete(now);
                    } else if (m.contains("\"phase\":\"failed\"") || m.contains("\"type\":\"error\"")) {
                        failure.append(m);
                        attachedAt.completeExceptionally(new IllegalStateException(m));
                        eventAt.completeExceptionally(new IllegalStateException(m));
                    }
                }
                s.request(1);
                return null;
            }
        }).join();
        String run = "{\"type\":\"run\",\"source\":" + quote(source)
                + (kernel == null ? "" : ",\"kernel\":" + quote(kernel)) + "}";
        long start = System.nanoTime();
        socket.sendText(run, true).join();
        long a = attachedAt.get(300, TimeUnit.SECONDS); // a VM backend boots and saves its VM on first use
        long e = eventAt.get(30, TimeUnit.SECONDS);
        socket.sendText("{\"type\":\"stop\"}", true).join();
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        return new double[] {(a - start) / 1e6, (e - start) / 1e6};
    }

    static double pct(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
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
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }
}
