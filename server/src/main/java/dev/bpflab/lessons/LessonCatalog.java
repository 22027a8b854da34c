package dev.bpflab.lessons;

import dev.bpflab.kernels.KernelMetadata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.ClientMessage;
import dev.bpflab.protocol.Workload;
import dev.bpflab.catalog.LocalizedText;
import dev.bpflab.catalog.Metadata;
import dev.bpflab.catalog.TemplateCatalog;
import dev.bpflab.grading.Expectation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The lessons of workshop-material/ (layout in its README.md). Everything is checked when loading, so a broken
 * lesson stops the service with a message naming its file instead of failing in front of a learner.
 */
public final class LessonCatalog {
    public static final List<String> LANGUAGES = List.of("es", "en");
    private static final Pattern ID = Pattern.compile("[0-9]{2}-[a-z0-9-]{1,60}");
    private static final Set<String> REQUIREMENTS = Set.of("xdp", "lsm", "fentry");
    private static final long MAX_FILE_BYTES = 256 * 1024;
    private static final ObjectMapper JSON = RunJson.mapper();

    private final Map<String, Lesson> byId;

    private LessonCatalog(Map<String, Lesson> byId) {
        this.byId = byId;
    }

    public static LessonCatalog load(Path directory, TemplateCatalog templates) {
        Path dir = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new LessonCatalogException("lesson directory " + dir + " does not exist (set bpflab.lessons.dir)");
        }
        Map<String, Lesson> byId = new TreeMap<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.sorted().toList()) {
                if (Files.isRegularFile(entry.resolve("lesson.json"))) {
                    Lesson lesson = read(entry, templates);
                    byId.put(lesson.id(), lesson);
                }
            }
        } catch (IOException e) {
            throw new LessonCatalogException("cannot read lesson directory " + dir + ": " + e.getMessage(), e);
        }
        return new LessonCatalog(Map.copyOf(byId));
    }

    /** Every lesson, in id order (the ids start with their number). */
    public Collection<Lesson> list() {
        return new TreeMap<>(byId).values();
    }

    public Optional<Lesson> find(String id) {
        return Optional.ofNullable(id == null ? null : byId.get(id));
    }

    private static Lesson read(Path lessonDir, TemplateCatalog templates) {
        String id = lessonDir.getFileName().toString();
        Path file = lessonDir.resolve("lesson.json");
        String where = file.toString();
        if (!ID.matcher(id).matches()) {
            throw new LessonCatalogException(lessonDir + ": a lesson directory is named like 02-watch-syscalls (" + ID + ")");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new LessonCatalogException(where + " is not valid JSON: " + e.getMessage(), e);
        }
        String template = text(root, "template", where);
        if (templates.find(template).isEmpty()) {
            throw new LessonCatalogException(where + ": template '" + template + "' is not in bpf-templates/");
        }
        List<String> requires = new ArrayList<>();
        for (JsonNode r : root.path("requires")) {
            if (!REQUIREMENTS.contains(r.asText())) {
                throw new LessonCatalogException(where + ": requires '" + r.asText() + "'; known: " + REQUIREMENTS);
            }
            requires.add(r.asText());
        }
        List<LessonStep> steps = new ArrayList<>();
        JsonNode stepNodes = root.path("steps");
        if (!stepNodes.isArray() || stepNodes.isEmpty()) {
            throw new LessonCatalogException(where + ": 'steps' must list the lesson's steps");
        }
        for (int i = 0; i < stepNodes.size(); i++) {
            steps.add(step(stepNodes.get(i), where + " step " + i));
        }
        if (steps.stream().allMatch(s -> s.check() == null)) {
            throw new LessonCatalogException(where + ": at least one step needs a 'check'");
        }
        Map<String, LessonText> text = new LinkedHashMap<>();
        for (String lang : LANGUAGES) {
            Path markdown = lessonDir.resolve(lang + ".md");
            LessonText split = LessonMarkdown.split(readFile(markdown));
            if (split.steps().size() != steps.size()) {
                throw new LessonCatalogException(markdown + " has " + split.steps().size() + " '## ' step sections; "
                        + "lesson.json has " + steps.size() + " steps");
            }
            text.put(lang, split);
        }
        KernelMetadata kernels = KernelMetadata.read(root, where, LessonCatalogException::new);
        return new Lesson(id, localized(root, "title", where), localized(root, "summary", where), template,
                List.copyOf(requires), readFile(lessonDir.resolve("start.bpf.c")),
                readFile(lessonDir.resolve("solution.bpf.c")), Map.copyOf(text), List.copyOf(steps), kernels.needs(),
                kernels.kernel());
    }

    private static LessonStep step(JsonNode node, String where) {
        JsonNode hints = node.path("hints");
        LessonStep.Hints localizedHints = new LessonStep.Hints(strings(hints.path("es"), where + " hints.es"),
                strings(hints.path("en"), where + " hints.en"));
        JsonNode check = node.get("check");
        return new LessonStep(localizedHints, check == null || check.isNull() ? null : check(check, where + " check"));
    }

    private static StepCheck check(JsonNode node, String where) {
        List<String> workloads = strings(node.path("workloads"), where + " workloads");
        if (workloads.isEmpty()) {
            throw new LessonCatalogException(where + ": 'workloads' must name at least one workload");
        }
        for (String workload : workloads) {
            if (Workload.fromWire(workload).isEmpty()) {
                throw new LessonCatalogException(where + ": no workload named '" + workload + "'");
            }
        }
        List<StepCheck.Graded> expect = new ArrayList<>();
        for (JsonNode spec : node.path("expect")) {
            String problem = Expectation.problem(spec);
            if (problem != null) {
                throw new LessonCatalogException(where + ": " + problem + ": " + spec);
            }
            expect.add(new StepCheck.Graded(new Expectation(spec), localized(spec, "missing", where + " expect")));
        }
        if (expect.isEmpty()) {
            throw new LessonCatalogException(where + ": 'expect' must list at least one expectation");
        }
        LocalizedText passed = node.has("passed") ? localized(node, "passed", where)
                : new LocalizedText("¡Bien! El kernel hizo lo que esperábamos.", "Well done: the kernel did what we expected.");
        return new StepCheck(workloads, List.copyOf(expect), passed, mapWrites(node.path("mapWrites"), where));
    }

    /** {@code "mapWrites": [{"map": "blocked_ports", "key": 7778, "value": "ACTION_DROP"}]}: written before the workloads. */
    private static List<ClientMessage.MapUpdate> mapWrites(JsonNode array, String where) {
        List<ClientMessage.MapUpdate> writes = new ArrayList<>();
        for (JsonNode write : array) {
            try {
                writes.add(new ClientMessage.MapUpdate(write.path("map").asText(null), write.get("key"), write.get("value")));
            } catch (IllegalArgumentException e) {
                throw new LessonCatalogException(where + " mapWrites: " + e.getMessage());
            }
        }
        return writes;
    }

    private static List<String> strings(JsonNode array, String where) {
        if (array.isMissingNode()) {
            return List.of();
        }
        if (!array.isArray()) {
            throw new LessonCatalogException(where + " must be a list of strings");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode value : array) {
            if (!value.isTextual() || value.asText().isBlank()) {
                throw new LessonCatalogException(where + " must be a list of non-empty strings");
            }
            values.add(value.asText());
        }
        return List.copyOf(values);
    }

    private static String readFile(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new LessonCatalogException(file + " is missing");
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new LessonCatalogException(file + " is larger than " + MAX_FILE_BYTES + " bytes");
            }
            String content = Files.readString(file, StandardCharsets.UTF_8);
            if (content.isBlank()) {
                throw new LessonCatalogException(file + " is empty");
            }
            return content;
        } catch (IOException e) {
            throw new LessonCatalogException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field, String where) {
        return Metadata.text(node, field, where, LessonCatalogException::new);
    }

    private static LocalizedText localized(JsonNode node, String field, String where) {
        return Metadata.localized(node, field, where, LessonCatalogException::new);
    }
}
