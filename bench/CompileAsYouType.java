// Measures errors as you type: request -> answer of {"type":"compile"} over /ws/run, as the page sends it once typing
// pauses. Each round makes a small edit to a lesson-sized program (a new line, every other one with a syntax error),
// so every request is a text the server never compiled (cold); then the same texts again (cache hits).
// Usage: java bench/CompileAsYouType.java <server-url> <edits> <program.bpf.c>
// Single-file program (JDK only) so it runs without the project's classpath.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

public class CompileAsYouType {
    private static final AtomicReference<CompletableFuture<String>> ANSWER = new AtomicReference<>();

    public static void main(String[] args) throws Exception {
        URI ws = URI.create(args[0].replaceFirst("^http", "ws") + "/ws/run");
        int edits = Integer.parseInt(args[1]);
        String program = Files.readString(Path.of(args[2]));
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(ws, new WebSocket.Listener() {
            final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket s, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    String m = partial.toString();
                    partial.setLength(0);
                    if (m.startsWith("{\"type\":\"compiled\"") || m.startsWith("{\"type\":\"error\"")) {
                        ANSWER.get().complete(m);
                    }
                }
                s.request(1);
                return null;
            }
        }).join();
        // A run of this bench never reuses an earlier run's texts: the cold figures are cold.
        String session = UUID.randomUUID().toString().substring(0, 8);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < edits; i++) {
            String line = i % 2 == 0 ? "static const int edit_" + i + " = " + i + "; // " + session
                    : "static const int edit_" + i + " = ; // " + session; // a syntax error, as typed half way
            texts.add(program + line + "\n");
        }
        compile(socket, program + "// warm-up " + session + "\n", 0); // the server's own first compile
        List<Double> cold = new ArrayList<>();
        List<Double> coldOk = new ArrayList<>();
        List<Double> coldError = new ArrayList<>();
        List<Double> hit = new ArrayList<>();
        for (int i = 0; i < edits; i++) {
            String answer = compile(socket, texts.get(i), i + 1);
            cold.add(lastMs);
            (answer.contains("\"ok\":true") ? coldOk : coldError).add(lastMs);
        }
        for (int i = 0; i < edits; i++) {
            compile(socket, texts.get(i), edits + i + 1);
            hit.add(lastMs);
        }
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        System.out.printf("edits: %d of %s (%d lines), %d compiled ok, %d with a syntax error%n", edits,
                Path.of(args[2]).getFileName(), program.lines().count(), coldOk.size(), coldError.size());
        System.out.printf("request -> answer, cold:      p50 %6.0f ms   p95 %6.0f ms%n", pct(cold, 50), pct(cold, 95));
        if (!coldOk.isEmpty() && !coldError.isEmpty()) {
            System.out.printf("  of which compiled ok:       p50 %6.0f ms   p95 %6.0f ms%n", pct(coldOk, 50), pct(coldOk, 95));
            System.out.printf("  of which a syntax error:    p50 %6.0f ms   p95 %6.0f ms%n", pct(coldError, 50),
                    pct(coldError, 95));
        }
        System.out.printf("request -> answer, cache hit: p50 %6.0f ms   p95 %6.0f ms%n", pct(hit, 50), pct(hit, 95));
    }

    static double lastMs;

    static String compile(WebSocket socket, String source, long id) throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        ANSWER.set(answer);
        long start = System.nanoTime();
        socket.sendText("{\"type\":\"compile\",\"id\":" + id + ",\"source\":" + quote(source) + "}", true).join();
        String m = answer.get(300, TimeUnit.SECONDS); // the first waits for the compiler to prepare its headers
        lastMs = (System.nanoTime() - start) / 1e6;
        if (!m.contains("\"id\":" + id + ",")) {
            throw new IllegalStateException("not the answer to compile " + id + ": " + m);
        }
        return m;
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
