package dev.bpflab.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.bpflab.protocol.ClientMessage;
import dev.bpflab.protocol.Diagnostic;
import dev.bpflab.protocol.DiagnosticHints;
import dev.bpflab.protocol.Hint;
import dev.bpflab.protocol.MapEntry;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.RunPhase;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.protocol.Workload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The page's copy of the run contract, {@code web/src/protocol.js}, says what {@code dev.bpflab.protocol} says: the
 * same phases in the same order, the same live and final phases, the same message types under the names of their
 * records, and the client messages its helpers build are ones the server accepts. And no other page module spells a
 * phase or a message type as a string literal, so a renamed phase cannot leave a stale comparison behind.
 */
class ProtocolJsTest {
    static final Path WEB_SRC = Path.of("web", "src");
    static final Path PROTOCOL_JS = WEB_SRC.resolve("protocol.js");

    /** Loads protocol.js in node (as a data: URL, so no package.json decides what kind of module it is). */
    static final String DUMP = """
            import { readFileSync } from 'node:fs';
            const text = readFileSync(process.argv[1], 'utf8');
            const p = await import('data:text/javascript;base64,' + Buffer.from(text).toString('base64'));
            const frozen = Object.fromEntries(Object.entries(p).filter(([, v]) => typeof v === 'object')
              .map(([k, v]) => [k, Object.isFrozen(v)]));
            process.stdout.write(JSON.stringify({
              PHASE: p.PHASE, PHASES: p.PHASES, LIVE_PHASES: p.LIVE_PHASES, FINAL_PHASES: p.FINAL_PHASES,
              CLIENT_MESSAGE: p.CLIENT_MESSAGE, SERVER_MESSAGE: p.SERVER_MESSAGE, frozen,
              isLive: p.PHASES.filter(p.isLivePhase), isFinal: p.PHASES.filter(p.isFinalPhase),
              built: {
                run: p.runMessage({ source: 'int x;' }),
                runTemplate: p.runMessage({ source: 'int x;', template: 'hello', params: { comm: 'rm' } }),
                runOnKernel: p.runMessage({ source: 'int x;', kernel: 'debian13' }),
                workload: p.workloadMessage(process.argv[2]),
                stop: p.stopMessage(),
                check: p.checkMessage({ lesson: '02-watch-syscalls', step: 1, lang: 'es' }),
                error: p.errorMessage('unreadable'),
                compile: p.compileMessage('int x;', 3),
                compileOnKernel: p.compileMessage('int x;', 4, 'debian13'),
                mapUpdate: p.mapUpdateMessage('blocked_ports', 7778, 'ACTION_DROP'),
                mapDelete: p.mapDeleteMessage('counts', { comm: 'bash' }),
                readLoaded: p.readLoadedMessage(),
                runAll: p.runAllMessage({ source: 'int x;', template: 'hello', workload: process.argv[2], seconds: 5 }),
              },
              read: (() => {
                const arg = i => JSON.parse(Buffer.from(process.argv[i], 'base64').toString('utf8'));
                const diagnostics = arg(3);
                const map = arg(4);
                return {
                  es: diagnostics.items.map(i => p.diagnosticHint(i, 'es')),
                  en: diagnostics.items.map(i => p.diagnosticHint(i, 'en')),
                  cpus: map.entries.map(p.perCpuValues),
                };
              })(),
            }));
            """;

    /** What the server sends, read by protocol.js: a hinted and a plain diagnostic, a per-CPU and a plain entry. */
    static final ServerMessage.Diagnostics DIAGNOSTICS = new ServerMessage.Diagnostics("verify", List.of(
            DiagnosticHints.withHint(new Diagnostic(18, 2, "error", "R0 invalid mem access 'map_value_or_null'")),
            new Diagnostic(3, 1, "warning", "unused variable 'x'")), "", false, "p", null);
    static final ServerMessage.MapSnapshot MAP = new ServerMessage.MapSnapshot("opens", List.of(
            MapEntry.perCpu(IntNode.valueOf(0), List.of(IntNode.valueOf(3), IntNode.valueOf(4))),
            MapEntry.of(IntNode.valueOf(1), IntNode.valueOf(9))));

    static JsonNode js;

    @BeforeAll
    static void loadProtocolJs() throws Exception {
        assertTrue(Files.isRegularFile(PROTOCOL_JS), PROTOCOL_JS.toAbsolutePath() + " is missing");
        Process node = new ProcessBuilder("node", "--input-type=module", "-e", DUMP, PROTOCOL_JS.toString(),
                Workload.EXEC_TRUE.wireName(), base64(RunJson.write((ServerMessage) DIAGNOSTICS)),
                base64(RunJson.write((ServerMessage) MAP)))
                .redirectErrorStream(true).start();
        node.getOutputStream().close();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(30, TimeUnit.SECONDS), "node did not finish");
        assertEquals(0, node.exitValue(), "node could not load protocol.js:\n" + out);
        js = new ObjectMapper().readTree(out);
    }

    @Test
    void phasesAreRunPhaseInOrder() {
        Map<String, String> expected = new LinkedHashMap<>();
        for (RunPhase phase : RunPhase.values()) {
            expected.put(phase.name(), phase.wire());
        }
        assertEquals(List.copyOf(expected.entrySet()), List.copyOf(fields(js.get("PHASE")).entrySet()), "PHASE");
        assertEquals(List.copyOf(expected.values()), strings(js.get("PHASES")), "PHASES");
    }

    @Test
    void liveAndFinalPhasesAreRunPhases() {
        Set<String> live = RunPhase.LIVE.stream().map(RunPhase::wire).collect(Collectors.toSet());
        Set<String> last = RunPhase.FINAL.stream().map(RunPhase::wire).collect(Collectors.toSet());
        assertEquals(live, Set.copyOf(strings(js.get("LIVE_PHASES"))), "LIVE_PHASES");
        assertEquals(last, Set.copyOf(strings(js.get("FINAL_PHASES"))), "FINAL_PHASES");
        assertEquals(live, Set.copyOf(strings(js.get("isLive"))), "isLivePhase");
        assertEquals(last, Set.copyOf(strings(js.get("isFinal"))), "isFinalPhase");
    }

    @Test
    void messageTypesAreTheRecordsOfEachDirection() {
        assertEquals(typesByRecord(ClientMessage.class), fields(js.get("CLIENT_MESSAGE")), "CLIENT_MESSAGE");
        assertEquals(typesByRecord(ServerMessage.class), fields(js.get("SERVER_MESSAGE")), "SERVER_MESSAGE");
        assertEquals(RunJson.types(ClientMessage.class), List.copyOf(fields(js.get("CLIENT_MESSAGE")).values()));
        assertEquals(RunJson.types(ServerMessage.class), List.copyOf(fields(js.get("SERVER_MESSAGE")).values()));
    }

    @Test
    void exportedTablesCannotBeChanged() {
        Map<String, String> frozen = fields(js.get("frozen"));
        assertEquals(Set.of("PHASE", "PHASES", "LIVE_PHASES", "FINAL_PHASES", "CLIENT_MESSAGE", "SERVER_MESSAGE"),
                frozen.keySet());
        frozen.forEach((name, isFrozen) -> assertEquals("true", isFrozen, name + " is not frozen"));
    }

    @Test
    void builtClientMessagesAreAcceptedByTheServer() throws Exception {
        JsonNode built = js.get("built");
        ClientMessage.Run run = assertInstanceOf(ClientMessage.Run.class, RunJson.client(built.get("run").toString()));
        assertEquals("int x;", run.source());
        ClientMessage.Run templated = assertInstanceOf(ClientMessage.Run.class,
                RunJson.client(built.get("runTemplate").toString()));
        assertEquals("hello", templated.template());
        assertEquals("rm", templated.params().get("comm").asText());
        assertEquals(null, run.kernel(), "no kernel picked: the lab's default");
        ClientMessage.Run onKernel = assertInstanceOf(ClientMessage.Run.class,
                RunJson.client(built.get("runOnKernel").toString()));
        assertEquals("debian13", onKernel.kernel());
        ClientMessage.Workload workload = assertInstanceOf(ClientMessage.Workload.class,
                RunJson.client(built.get("workload").toString()));
        assertEquals(Workload.EXEC_TRUE, workload.name());
        assertInstanceOf(ClientMessage.Stop.class, RunJson.client(built.get("stop").toString()));
        assertEquals(ClientMessage.Check.lessonStep("02-watch-syscalls", 1, "es"), RunJson.client(built.get("check").toString()));
        assertEquals(new ServerMessage.Error("unreadable"), RunJson.server(built.get("error").toString()));
        assertEquals(new ClientMessage.Compile("int x;", 3L), RunJson.client(built.get("compile").toString()));
        assertEquals(new ClientMessage.Compile("int x;", 4L, "debian13"),
                RunJson.client(built.get("compileOnKernel").toString()));
        assertEquals(new ClientMessage.MapUpdate("blocked_ports", IntNode.valueOf(7778), TextNode.valueOf("ACTION_DROP")),
                RunJson.client(built.get("mapUpdate").toString()));
        assertEquals(new ClientMessage.MapDelete("counts", RunJson.mapper().createObjectNode().put("comm", "bash")),
                RunJson.client(built.get("mapDelete").toString()));
        assertInstanceOf(ClientMessage.ReadLoaded.class, RunJson.client(built.get("readLoaded").toString()));
        assertEquals(new ClientMessage.RunAll("int x;", "hello", null, null, Workload.EXEC_TRUE, 5),
                RunJson.client(built.get("runAll").toString()));
    }

    @Test
    void diagnosticHintsAndPerCpuValuesAreReadAsTheServerSendsThem() {
        JsonNode read = js.get("read");
        Hint hint = DIAGNOSTICS.items().get(0).hint();
        assertEquals(List.of(hint.es(), ""), strings(read.get("es")), "the hint in Spanish; none on the plain item");
        assertEquals(List.of(hint.en(), ""), strings(read.get("en")));
        assertEquals("[[3,4],null]", read.get("cpus").toString(), "each CPU's values of the per-CPU entry only");
    }

    @Test
    void pageModulesNameEveryPhaseAndMessageTypeFromProtocolJs() throws IOException {
        ContractLiterals literals = literals();
        List<Path> modules;
        try (Stream<Path> files = Files.walk(WEB_SRC)) {
            modules = files.filter(f -> f.toString().endsWith(".js") && !f.equals(PROTOCOL_JS)).sorted().toList();
        }
        assertTrue(modules.contains(WEB_SRC.resolve("main.js")) && modules.contains(WEB_SRC.resolve("dashboard/dashboard.js")),
                "the page's modules were not found under " + WEB_SRC.toAbsolutePath() + ": " + modules);
        List<String> found = new ArrayList<>();
        for (Path module : modules) {
            for (ContractLiterals.Finding f : literals.scan(Files.readString(module))) {
                found.add(module + ":" + f);
            }
        }
        assertTrue(found.isEmpty(), "spelled as literals; name them with PHASE, CLIENT_MESSAGE, SERVER_MESSAGE … from "
                + PROTOCOL_JS + ":\n" + String.join("\n", found));
    }

    @Test
    void theScanFlagsLiteralPhasesAndTypesOnly() {
        ContractLiterals literals = literals();
        for (String bad : List.of(
                "if (phase === 'attached') go();",
                "} else if (this.asked && phase !== \"attached\") {",
                "if ('stopped' === next) return;",
                "if (message.type === 'event') add();",
                "if ('checking' == m.type) add();",
                "case 'phase':",
                "    case `map`: break;",
                "const STARTING = new Set(['connecting', 'queued', 'compiling', 'loading']);",
                "setPhase('failed', { reason: 'connection closed' });",
                "client.send({ type: 'workload', name });",
                "const PHASE_ORDER = { failed: 0, queued: 1, compiling: 2 };",
                "const text = {\n  compiling: 'Compiling…',\n  loading: 'Loading…',\n}")) {
            assertTrue(!literals.scan(bad).isEmpty(), "not flagged: " + bad);
        }
        for (String fine : List.of(
                "if (phase === PHASE.ATTACHED) go();",
                "case SERVER_MESSAGE.EVENT:",
                "} else if (m.type === 'push') {",
                "case 'snapshot':",
                "send({ type: 'progress', lesson, step });",
                "if (key === 'map') return record.map.includes(value);",
                "const errors = items.filter(i => (i.severity || 'error').includes('error'));",
                "notice.classList.toggle('error', error);",
                "this.finish({ state: CHECK_STATE.FAILED, reason: 'timeout' });",
                "const strings = {\n  title: 'Lessons',\n  loading: 'Loading the lessons…',\n  empty: 'None',\n}",
                "actionResult(`${what} failed: ${error.message}`);",
                "$('code-meta').textContent = 'loading…';",
                "// {\"type\":\"check\"} on /ws/run")) {
            assertEquals(List.of(), literals.scan(fine), "flagged: " + fine);
        }
    }

    private static ContractLiterals literals() {
        List<String> phases = Arrays.stream(RunPhase.values()).map(RunPhase::wire).toList();
        List<String> types = new ArrayList<>(RunJson.types(ClientMessage.class));
        types.addAll(RunJson.types(ServerMessage.class));
        return new ContractLiterals(phases, types);
    }

    /** RECORD_NAME → wire type, from a direction's {@code @JsonSubTypes}: {@code MapSnapshot} → MAP_SNAPSHOT → "map". */
    private static Map<String, String> typesByRecord(Class<?> direction) {
        Map<String, String> types = new LinkedHashMap<>();
        for (JsonSubTypes.Type type : direction.getAnnotation(JsonSubTypes.class).value()) {
            String constant = type.value().getSimpleName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase();
            types.put(constant, type.name());
        }
        return types;
    }

    /** Non-ASCII text (the Spanish hints) passes to node intact whatever the locale's argument encoding. */
    private static String base64(String json) {
        return java.util.Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> fields(JsonNode object) {
        assertTrue(object != null && object.isObject(), "not an object: " + object);
        Map<String, String> fields = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue().asText()));
        return fields;
    }

    private static List<String> strings(JsonNode array) {
        assertTrue(array != null && array.isArray(), "not an array: " + array);
        List<String> strings = new ArrayList<>();
        array.forEach(n -> strings.add(n.asText()));
        return strings;
    }
}
