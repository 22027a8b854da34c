package dev.bpflab.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/run-contract.md and the protocol types cannot drift: every example decodes with the types of its direction
 * and encodes back to the same JSON (so no field of the page is one the types silently drop), every message type
 * of every direction has an example, and the phase table says what {@link RunPhase} says.
 */
class RunContractDocTest {
    private static final Path DOC = Path.of("..", "docs", "run-contract.md");
    private static final Pattern EXAMPLE = Pattern.compile("```json (client|server|command|agent)\\n(.*?)\\n```",
            Pattern.DOTALL);
    private static final Pattern PHASE_ROW = Pattern.compile("^\\| `([a-z]+)` \\| (live|final) \\|", Pattern.MULTILINE);
    private static final Pattern STAGE_ROW = Pattern.compile("^\\| `([a-z-]+)` \\| (\\d+) \\|", Pattern.MULTILINE);
    /** A row of the error code table: the code, then its args ("`most`, `wait`", or "—" for none). */
    private static final Pattern ERROR_ROW = Pattern.compile("^\\| `([a-z-]+)` \\| ([^|]+) \\|", Pattern.MULTILINE);

    private record Example(String direction, String json) {
    }

    private static String doc() throws IOException {
        return Files.readString(DOC);
    }

    private static List<Example> examples() throws IOException {
        List<Example> examples = new ArrayList<>();
        Matcher m = EXAMPLE.matcher(doc());
        while (m.find()) {
            examples.add(new Example(m.group(1), m.group(2).strip()));
        }
        return examples;
    }

    @Test
    void everyExampleDecodesAndEncodesBackToItself() throws Exception {
        List<Example> examples = examples();
        assertTrue(examples.size() > 20, "the document's examples were found: " + examples.size());
        for (Example example : examples) {
            String encoded;
            try {
                encoded = switch (example.direction()) {
                    case "client" -> RunJson.write(RunJson.client(example.json()));
                    case "server" -> RunJson.write(RunJson.server(example.json()));
                    case "command" -> RunJson.write(RunJson.command(example.json()));
                    default -> RunJson.write(RunJson.agent(example.json()));
                };
            } catch (ProtocolException e) {
                fail(example.direction() + " example does not decode (" + e.getMessage() + "):\n" + example.json());
                return;
            }
            JsonNode original = RunJson.mapper().readTree(example.json());
            assertEquals(original, RunJson.mapper().readTree(encoded),
                    example.direction() + " example changed on its way through the types:\n" + example.json());
        }
    }

    @Test
    void everyMessageTypeOfEveryDirectionHasAnExample() throws Exception {
        Map<String, Class<?>> directions = new LinkedHashMap<>();
        directions.put("client", ClientMessage.class);
        directions.put("server", ServerMessage.class);
        directions.put("command", AgentCommand.class);
        directions.put("agent", AgentMessage.class);
        List<Example> examples = examples();
        for (Map.Entry<String, Class<?>> direction : directions.entrySet()) {
            Set<String> shown = new LinkedHashSet<>();
            for (Example example : examples) {
                if (example.direction().equals(direction.getKey())) {
                    shown.add(RunJson.mapper().readTree(example.json()).path("type").asText());
                }
            }
            Set<String> missing = new LinkedHashSet<>(RunJson.types(direction.getValue()));
            missing.removeAll(shown);
            if (direction.getKey().equals("agent")) {
                // The agent's own copies of server messages are documented under "Server → browser".
                missing.removeAll(RunJson.types(ServerMessage.class));
            }
            assertTrue(missing.isEmpty(), direction.getKey() + " types without an example in " + DOC + ": " + missing);
        }
    }

    @Test
    void thePhaseTableIsRunPhase() throws Exception {
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = PHASE_ROW.matcher(doc());
        while (m.find()) {
            rows.put(m.group(1), m.group(2));
        }
        Map<String, String> expected = new LinkedHashMap<>();
        for (RunPhase phase : RunPhase.values()) {
            expected.put(phase.wire(), phase.isLive() ? "live" : "final");
        }
        assertEquals(expected, rows, "the phase table of " + DOC + " lists every phase, in order, live or final");
    }

    @Test
    void theStageTableIsPreparationStage() throws Exception {
        Map<String, Integer> rows = new LinkedHashMap<>();
        Matcher m = STAGE_ROW.matcher(doc());
        while (m.find()) {
            rows.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        Map<String, Integer> expected = new LinkedHashMap<>();
        for (PreparationStage stage : PreparationStage.values()) {
            expected.put(stage.wire(), stage.step());
        }
        assertEquals(expected, rows, "the stage table of " + DOC + " lists every preparation stage, in order, with its step");
        assertEquals(PreparationStage.STEPS, expected.values().stream().mapToInt(Integer::intValue).max().orElse(0));
    }

    @Test
    void theErrorCodeTableIsErrorCode() throws Exception {
        String doc = doc();
        int start = doc.indexOf("#### Error codes");
        assertTrue(start >= 0, DOC + " has an error code table");
        String table = doc.substring(start, doc.indexOf("\n#", start + 1));
        List<String> rows = new ArrayList<>();
        Matcher m = ERROR_ROW.matcher(table);
        while (m.find()) {
            rows.add(m.group(1));
            assertTrue(m.group(2).equals("—") || m.group(2).matches("`[a-z][a-z0-9_]*`(, `[a-z][a-z0-9_]*`)*"),
                    "the args of " + m.group(1) + ": " + m.group(2));
        }
        assertEquals(Arrays.stream(ErrorCode.values()).map(ErrorCode::wire).toList(), rows,
                "the error code table of " + DOC + " lists every ErrorCode, in order");
    }

    @Test
    void theListsOfTypesAtTheTopAreTheTypes() throws Exception {
        String doc = doc();
        assertListed(doc, "ClientMessage", RunJson.types(ClientMessage.class));
        assertListed(doc, "ServerMessage", RunJson.types(ServerMessage.class));
        assertListed(doc, "AgentCommand", RunJson.types(AgentCommand.class));
    }

    private static void assertListed(String doc, String direction, List<String> types) {
        Matcher line = Pattern.compile("^- \\*\\*" + direction + "\\*\\* \\([^)]*\\): (.*?)\\.$",
                Pattern.MULTILINE | Pattern.DOTALL).matcher(doc);
        assertTrue(line.find(), direction + " is listed at the top of " + DOC);
        List<String> listed = new ArrayList<>();
        Matcher name = Pattern.compile("`([a-z_]+)`").matcher(line.group(1));
        while (name.find()) {
            listed.add(name.group(1));
        }
        assertEquals(types, listed, direction + "'s types as listed at the top of " + DOC);
        assertFalse(listed.isEmpty());
    }
}
