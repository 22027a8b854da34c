package dev.bpflab.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.testing.KernelPrograms;
import dev.bpflab.testing.RunClient;
import io.quarkus.test.common.http.TestHTTPResource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every template, rendered with its defaults, run through /ws/run on a real kernel and fired by its own workload;
 * the effect its metadata promises ("expect") must be seen: events with those fields, map counts, printk text,
 * the workload's outcome (a denial). Each sandbox backend runs this with the program types its kernel allows.
 */
public abstract class TemplatesContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration EFFECT = Duration.ofSeconds(25);
    private static final Duration REFIRE = Duration.ofSeconds(3);

    @TestHTTPResource("/")
    URI root;

    /** The {@code requires} values (xdp, lsm, fentry) whose programs this backend's kernel accepts. */
    protected abstract Set<String> supportedFeatures();

    @TestFactory
    Stream<DynamicTest> everyTemplateShowsItsPromisedEffect() throws IOException {
        List<JsonNode> templates = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Path.of("bpf-templates"))) {
            for (Path metadata : dirs.map(d -> d.resolve("template.json")).filter(Files::isRegularFile).sorted().toList()) {
                templates.add(JSON.readTree(metadata.toFile()));
            }
        }
        assertTrue(templates.size() >= 12, "the catalog has the talk's programs");
        return templates.stream().map(t -> DynamicTest.dynamicTest(t.path("id").asText(), () -> exercise(t)));
    }

    private void exercise(JsonNode template) throws InterruptedException {
        String id = template.path("id").asText();
        Set<Integer> before = KernelPrograms.loadedIds();
        List<String> unsupported = new ArrayList<>();
        template.path("requires").forEach(r -> {
            if (!supportedFeatures().contains(r.asText())) {
                unsupported.add(r.asText());
            }
        });
        try (RunClient run = new RunClient(root)) {
            run.send(JSON.createObjectNode().put("type", "run").put("template", id));
            if (!unsupported.isEmpty()) {
                // This kernel refuses the program type: the learner must be told so, not shown a silent run.
                JsonNode error = run.await("a refusal of " + unsupported, m -> "error".equals(m.path("type").asText()),
                        START);
                String message = error.path("message").asText();
                assertTrue(message.contains("Operation not permitted") || message.contains("lockdown"), message);
                run.awaitPhase("failed", START);
                return;
            }
            run.awaitPhase("attached", START);
            String workload = template.path("workload").asText();
            List<JsonNode> expectations = new ArrayList<>();
            template.path("expect").forEach(expectations::add);
            long deadline = System.nanoTime() + EFFECT.toNanos();
            List<JsonNode> missing = expectations;
            while (!missing.isEmpty() && System.nanoTime() < deadline) {
                run.workload(workload);
                try {
                    run.await(id + "'s effects", m -> false, REFIRE);
                } catch (AssertionError stillWaiting) {
                    // fire again: printk lines and counters may need more than one round
                }
                List<JsonNode> seen = run.seen();
                missing = expectations.stream().filter(e -> seen.stream().noneMatch(m -> matches(e, m))).toList();
            }
            assertEquals(List.of(), missing, id + ": expected effects not seen; the server said:\n"
                    + String.join("\n", run.seen().stream().map(JsonNode::toString).limit(60).toList()));
            run.stop();
            run.awaitPhase("stopped", START);
        }
        assertEquals(Set.of(), KernelPrograms.leftoversAfter(before, Duration.ofSeconds(15)), id + " left programs loaded");
        assertEquals("", labNamespaces(), id + " left a network namespace");
    }

    static boolean matches(JsonNode expectation, JsonNode message) {
        String type = expectation.path("type").asText();
        if (!type.equals(message.path("type").asText())) {
            return false;
        }
        return switch (type) {
            case "event" -> fieldsMatch(expectation.path("fields"), message.path("fields"));
            case "printk" -> glob(expectation.path("text").asText(), message.path("text").asText());
            case "workload" -> glob(expectation.path("detail").asText(), message.path("detail").asText());
            case "map" -> expectation.path("name").asText().equals(message.path("name").asText())
                    && mapHas(message.path("entries"), expectation.path("key"), expectation.path("minValue").asLong());
            default -> false;
        };
    }

    private static boolean mapHas(JsonNode entries, JsonNode key, long minValue) {
        for (JsonNode entry : entries) {
            boolean keyMatches = key.isObject() ? fieldsMatch(key, entry.path("key")) : valueMatches(key, entry.path("key"));
            if (keyMatches && entry.path("value").asLong() >= minValue) {
                return true;
            }
        }
        return false;
    }

    private static boolean fieldsMatch(JsonNode wanted, JsonNode actual) {
        for (Iterator<Map.Entry<String, JsonNode>> it = wanted.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!valueMatches(field.getValue(), actual.path(field.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean valueMatches(JsonNode wanted, JsonNode actual) {
        if (wanted.isTextual()) {
            return actual.isValueNode() && glob(wanted.asText(), actual.asText());
        }
        if (wanted.isNumber()) {
            return actual.isNumber() && actual.asLong() == wanted.asLong();
        }
        return wanted.equals(actual);
    }

    private static boolean glob(String pattern, String text) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (regex.length() > 0) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(text).matches();
    }

    private static String labNamespaces() {
        try {
            Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return out.lines().filter(l -> l.startsWith("bpflab-")).reduce("", (a, b) -> a + b + "\n");
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
