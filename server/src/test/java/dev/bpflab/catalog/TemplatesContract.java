package dev.bpflab.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.support.process.Command;
import dev.bpflab.support.process.ProcessResult;
import dev.bpflab.testing.RunClient;
import dev.bpflab.testing.SandboxContract;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every template in bpf-templates/, rendered with its defaults by the server (a run by template id), run through
 * /ws/run on a real kernel and fired by its own workload. What its metadata promises ("expect") must be seen the
 * way a learner sees it: decoded event fields naming the file the workload touched, map counts, printk text, the
 * workload's outcome (a denial). A program type this backend's kernel refuses must fail the run with the reason,
 * never look attached. After each run no program of it is loaded and its lab network namespace is gone.
 *
 * <p>Each sandbox backend extends this with its Quarkus profile and says which {@code requires} values its kernel
 * accepts; a backend whose kernel accepts them all runs every template with nothing skipped.
 */
public abstract class TemplatesContract extends SandboxContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofSeconds(90);
    /** A check's verdict comes within its rounds' limits (CheckRun: two rounds of at most 30 s). */
    private static final Duration CHECK = Duration.ofSeconds(75);
    private static final int CHECK_PRESSES = 2;
    /**
     * After the verdict: time for a round's workload answer (veth-traffic takes seconds under emulation) and the last
     * map snapshot (every 1 s) to reach the page.
     */
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final Duration CLEANUP = Duration.ofSeconds(15);
    private static final int KERNEL_NAME_LENGTH = 15; // BPF_OBJ_NAME_LEN - 1
    // SEC("...") followed by the function: "int hello(" or "int BPF_PROG(deny_unlink,"
    private static final Pattern PROGRAM = Pattern.compile(
            "SEC\\(\"[^\"]+\"\\)[ \\t]*\\R\\s*(?:static\\s+)?\\w+\\s+(?:BPF_\\w+\\(\\s*)?(\\w+)\\s*[(,]");
    private static final Pattern AGENT_PID = Pattern.compile("\\bpid (\\d+)\\b");

    /** The {@code requires} values (xdp, lsm, fentry) whose programs this backend's kernel accepts. */
    protected abstract Set<String> supportedFeatures();

    /**
     * True when the run's programs live in the kernel this test runs on (the local backend), so bpftool and
     * {@code ip netns} here can prove the run left nothing behind. A VM's guest kernel is thrown away with the VM.
     */
    protected boolean runsOnThisKernel(JsonNode sandboxMessage) {
        return "local".equals(sandboxMessage.path("backend").asText());
    }

    /** What the error of a run refused by this kernel must say: the errno, and why a learner gets it here. */
    protected Pattern refusalReason() {
        return Pattern.compile("(?s).*Operation not permitted.*lockdown.*");
    }

    @TestFactory
    Stream<DynamicTest> everyTemplateShowsItsPromisedEffect() {
        TemplateCatalog catalog = TemplateCatalog.load(Path.of("bpf-templates"));
        assertTrue(catalog.list().size() >= 12, "the catalog has the talk's 12 programs: " + catalog.list());
        return catalog.list().stream().map(template -> {
            List<String> refused = refusedRequirements(template);
            String name = template.id() + (refused.isEmpty() ? "" : " (this kernel refuses " + String.join(", ", refused) + ")");
            return DynamicTest.dynamicTest(name, () -> exercise(catalog, template, refused));
        });
    }

    private List<String> refusedRequirements(TemplateInfo template) {
        return template.requires().stream().filter(r -> !supportedFeatures().contains(r)).toList();
    }

    private void exercise(TemplateCatalog catalog, TemplateInfo template, List<String> refused) throws InterruptedException {
        String id = template.id();
        List<String> programs = programNames(catalog.render(id, Map.of()));
        assertFalse(programs.isEmpty(), id + ": no SEC(...) function found in the rendered source");
        Map<Integer, String> before = loadedPrograms();
        Set<Integer> ours = new TreeSet<>();
        boolean onThisKernel;
        String agentPid;
        try (RunClient run = client()) {
            run.send(JSON.createObjectNode().put("type", "run").put("template", id));
            JsonNode end = run.await("phase attached or failed",
                    m -> RunClient.isPhase(m, "attached") || RunClient.isPhase(m, "failed"), START);
            JsonNode sandbox = run.awaitType("sandbox", Duration.ZERO);
            onThisKernel = runsOnThisKernel(sandbox);
            agentPid = agentPid(sandbox);
            if (!refused.isEmpty()) {
                assertRefusedWithReason(id, refused, end, run.seen());
            } else {
                assertTrue(RunClient.isPhase(end, "attached"), id + " did not attach:\n" + transcript(run.seen()));
                assertEquals(Set.copyOf(programs), attachedNames(end), id + ": the programs listed as attached");
                if (onThisKernel) {
                    ours.addAll(newProgramsNamed(programs, before));
                    assertFalse(ours.isEmpty(), id + " is attached, yet bpftool lists none of " + programs);
                }
                checkPromisedEffects(run, template);
                learnerVisibleCounts(id, run, template.workload());
                run.stop();
                run.awaitPhase("stopped", START);
            }
        }
        if (onThisKernel) {
            assertNothingLeftBehind(id, programs, before, ours, agentPid);
        }
    }

    private void assertRefusedWithReason(String id, List<String> refused, JsonNode end, List<JsonNode> seen) {
        assertTrue(RunClient.isPhase(end, "failed"),
                id + " needs " + refused + ", which this kernel refuses, yet the run claims to be attached:\n" + transcript(seen));
        String errors = seen.stream().filter(m -> "error".equals(m.path("type").asText()))
                .map(m -> m.path("message").asText()).collect(Collectors.joining("\n"));
        // Once the kernel was probed, the refusal comes before anything loads, as a kernel diagnostic naming what the
        // program needs and the probe's reason; before, it is the load's own error.
        String needs = seen.stream().filter(m -> "diagnostics".equals(m.path("type").asText())
                && "kernel".equals(m.path("stage").asText())).map(m -> m.path("items").get(0).path("message").asText())
                .collect(Collectors.joining("\n"));
        assertFalse(errors.isEmpty() && needs.isEmpty(), id + " failed without saying why:\n" + transcript(seen));
        assertTrue(refusalReason().matcher(errors).matches() || (needs.contains(" needs ") && needs.contains("EPERM")),
                id + ": the refusal must say the kernel refused it and why (" + refusalReason() + "), it said:\n"
                        + errors + needs);
        assertTrue(seen.stream().noneMatch(m -> "event".equals(m.path("type").asText())), id + " sent events while refused");
    }

    /**
     * Asks the server to check the template's promise, as the page's Check does ({@code {"type":"check","template"}}):
     * the production grader fires the workload and grades what the run streams. A learner who sees "not yet" may
     * press Check once more (a printk line can miss a round while a previous agent still holds trace_pipe).
     */
    private static void checkPromisedEffects(RunClient run, TemplateInfo template) {
        String id = template.id();
        JsonNode verdict = null;
        Set<JsonNode> verdicts = Collections.newSetFromMap(new IdentityHashMap<>()); // await() shows old messages again
        for (int press = 1; press <= CHECK_PRESSES && (verdict == null || !verdict.path("passed").asBoolean()); press++) {
            run.send(JSON.createObjectNode().put("type", "check").put("template", id));
            verdict = run.await(id + "'s check verdict (press " + press + ")",
                    m -> "check".equals(m.path("type").asText()) && verdicts.add(m), CHECK);
        }
        assertTrue(verdict.path("passed").asBoolean(), id + ": the check of its promised effects failed: "
                + verdict.path("message").asText() + " " + verdict.path("details") + "\nthe server said:\n"
                + transcript(run.seen()));
    }

    /** Checks of exact numbers a learner reads off the page, beyond the metadata's "at least". */
    private static void learnerVisibleCounts(String id, RunClient run, String workload) {
        if (id.equals("xdp-firewall")) {
            // Each round of veth-traffic sends 3 pings (rule RULE_PROTOCOL, 0: protocol icmp) and 3 UDP datagrams to
            // 7777 (RULE_PORT, 1); the source rule is off by default, so it never gets an entry. The rules are an enum:
            // records and keys name them, and the messages' "enums" give their numbers. Nothing else arriving on
            // bpflab0 may be counted. The check may give its verdict as soon as it has seen enough, before the round's
            // workload answer arrives: the rounds are the answers, counted once the map and the events have settled.
            Predicate<JsonNode> icmpDrop = f -> f.path("rule").asText().equals("RULE_PROTOCOL")
                    && f.path("protocol").asInt() == 1;
            Predicate<JsonNode> udpDrop = f -> f.path("rule").asText().equals("RULE_PORT")
                    && f.path("protocol").asInt() == 17 && f.path("dport").asInt() == 7777;
            try {
                run.await("the drops map and its events at 3 per round", m -> {
                    long expected = 3L * answers(run, workload);
                    return expected > 0 && Map.of("RULE_PROTOCOL", expected, "RULE_PORT", expected).equals(lastDrops(run))
                            && countEvents(run, icmpDrop) >= expected && countEvents(run, udpDrop) >= expected;
                }, SETTLE);
            } catch (AssertionError notSettled) {
                // compared below with what did arrive
            }
            long rounds = answers(run, workload);
            long expected = 3L * rounds;
            assertEquals(Map.of("RULE_PROTOCOL", expected, "RULE_PORT", expected), lastDrops(run),
                    "the drops map by rule after " + rounds + " round(s) of veth-traffic");
            assertEquals(List.of(expected, expected), List.of(countEvents(run, icmpDrop), countEvents(run, udpDrop)),
                    "drop events (icmp, udp to 7777) after " + rounds + " round(s) of veth-traffic");
            JsonNode enums = lastDropsSnapshot(run).path("enums");
            assertEquals(List.of(0, 1), List.of(enums.path("RULE_PROTOCOL").asInt(-1), enums.path("RULE_PORT").asInt(-1)),
                    "the drops map says the numbers of the rules it names: " + enums);
        }
    }

    /** How many answers of {@code workload} the client has seen: each is one round the check fired. */
    private static long answers(RunClient run, String workload) {
        return run.seen().stream().filter(m -> "workload".equals(m.path("type").asText())
                && workload.equals(m.path("name").asText())).count();
    }

    /** The values of the last snapshot of the map "drops", by key (a rule's name); empty before the first. */
    private static Map<String, Long> lastDrops(RunClient run) {
        Map<String, Long> byKey = new TreeMap<>();
        lastDropsSnapshot(run).path("entries").forEach(e -> byKey.put(e.path("key").asText(), e.path("value").asLong()));
        return byKey;
    }

    /** The last snapshot of the map "drops" the client saw; a missing node before the first. */
    private static JsonNode lastDropsSnapshot(RunClient run) {
        List<JsonNode> seen = run.seen();
        for (int i = seen.size() - 1; i >= 0; i--) {
            JsonNode m = seen.get(i);
            if ("map".equals(m.path("type").asText()) && "drops".equals(m.path("name").asText())) {
                return m;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static long countEvents(RunClient run, Predicate<JsonNode> fields) {
        return run.seen().stream().filter(m -> "event".equals(m.path("type").asText()) && fields.test(m.path("fields")))
                .count();
    }

    private void assertNothingLeftBehind(String id, List<String> programs, Map<Integer, String> before, Set<Integer> ours,
            String agentPid) throws InterruptedException {
        long deadline = System.nanoTime() + CLEANUP.toNanos();
        Set<Integer> left;
        String namespaces;
        do {
            Map<Integer, String> now = loadedPrograms();
            left = new TreeSet<>(newProgramsNamed(programs, before));
            ours.stream().filter(now::containsKey).forEach(left::add);
            namespaces = labNamespaces(agentPid);
            if (left.isEmpty() && namespaces.isEmpty()) {
                return;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        assertEquals(Set.of(), left, id + " left programs loaded (bpftool prog list ids)");
        assertEquals("", namespaces, id + " left its lab network namespace");
    }

    /** The function names of a source's programs, as the kernel knows them. */
    static List<String> programNames(String source) {
        List<String> names = new ArrayList<>();
        Matcher m = PROGRAM.matcher(source);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static Set<String> attachedNames(JsonNode attachedPhase) {
        Set<String> names = new LinkedHashSet<>();
        attachedPhase.path("programs").forEach(p -> names.add(p.asText().split(" ")[0])); // "hello → tracepoint/…"
        return names;
    }

    private static Set<Integer> newProgramsNamed(List<String> programs, Map<Integer, String> before) {
        Set<String> kernelNames = programs.stream()
                .map(n -> n.length() > KERNEL_NAME_LENGTH ? n.substring(0, KERNEL_NAME_LENGTH) : n)
                .collect(Collectors.toSet());
        Set<Integer> ids = new TreeSet<>();
        loadedPrograms().forEach((progId, name) -> {
            if (!before.containsKey(progId) && kernelNames.contains(name)) {
                ids.add(progId);
            }
        });
        return ids;
    }

    /** bpftool's view: program id → name. Other runs on this machine may load programs meanwhile; callers filter. */
    private static Map<Integer, String> loadedPrograms() {
        Map<Integer, String> programs = new LinkedHashMap<>();
        for (JsonNode prog : readJson(command("bpftool", "-j", "prog", "list"))) {
            programs.put(prog.path("id").asInt(), prog.path("name").asText());
        }
        return programs;
    }

    /** The agent's pid from the sandbox message ("local agent pid 1234"), or null if it names none. */
    private static String agentPid(JsonNode sandboxMessage) {
        Matcher pid = AGENT_PID.matcher(sandboxMessage.path("description").asText());
        return pid.find() ? pid.group(1) : null;
    }

    /** This run's lab namespace (bpflab-&lt;agent pid&gt;) if the agent's pid is known, else any bpflab-* namespace. */
    private static String labNamespaces(String agentPid) {
        String wanted = agentPid == null ? "bpflab-" : "bpflab-" + agentPid;
        return command("ip", "netns", "list").lines()
                .filter(l -> agentPid == null ? l.startsWith(wanted) : l.split(" ")[0].equals(wanted))
                .collect(Collectors.joining("\n"));
    }

    private static String command(String... argv) {
        try {
            ProcessResult result = Command.of(argv).withTimeout(Duration.ofSeconds(10)).run();
            if (!result.succeeded()) {
                throw new AssertionError(String.join(" ", argv) + (result.timedOut() ? " did not finish within 10 s"
                        : " failed (exit " + result.exitCode() + ")"));
            }
            return result.stdout();
        } catch (IOException e) {
            throw new AssertionError(String.join(" ", argv) + " could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** What the server said, for failure messages: everything but events and map snapshots in full, those counted. */
    private static String transcript(List<JsonNode> seen) {
        Map<String, Integer> counted = new TreeMap<>();
        List<String> lines = new ArrayList<>();
        for (JsonNode m : seen) {
            String type = m.path("type").asText();
            if ((type.equals("event") || type.equals("map") || type.equals("printk"))
                    && counted.merge(type, 1, Integer::sum) > 15) {
                continue;
            }
            lines.add(m.toString());
        }
        return String.join("\n", lines) + "\n(" + counted + " messages by type; the first 15 of each shown)";
    }
}
