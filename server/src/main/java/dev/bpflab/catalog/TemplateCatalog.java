package dev.bpflab.catalog;

import dev.bpflab.kernels.KernelMetadata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.protocol.RunJson;
import freemarker.cache.FileTemplateLoader;
import freemarker.core.TemplateClassResolver;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * The eBPF program templates in a directory laid out as {@code <id>/template.json} + {@code <id>/<id>.bpf.c.ftl}.
 * Plain Java, so the run loop and lessons can render templates without the REST layer.
 */
public final class TemplateCatalog {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}");
    private static final Pattern PARAM_NAME = Pattern.compile("[a-z][a-z0-9_]{0,30}");
    private static final Pattern ENUM_VALUE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,30}");
    private static final ObjectMapper JSON = RunJson.mapper();

    private final Path directory;
    private final Map<String, TemplateInfo> byId;
    private final Configuration freemarker;

    private TemplateCatalog(Path directory, Map<String, TemplateInfo> byId, Configuration freemarker) {
        this.directory = directory;
        this.byId = byId;
        this.freemarker = freemarker;
    }

    /** Reads every template's metadata; a broken template fails the whole load with a message naming its file. */
    public static TemplateCatalog load(Path directory) {
        Path dir = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new TemplateCatalogException("template directory " + dir + " does not exist (set bpflab.templates.dir)");
        }
        Map<String, TemplateInfo> byId = new TreeMap<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.sorted().toList()) {
                if (Files.isRegularFile(entry.resolve("template.json"))) {
                    TemplateInfo info = readMetadata(entry);
                    byId.put(info.id(), info);
                }
            }
        } catch (IOException e) {
            throw new TemplateCatalogException("cannot read template directory " + dir + ": " + e.getMessage(), e);
        }
        return new TemplateCatalog(dir, Map.copyOf(byId), freemarkerFor(dir));
    }

    public Path directory() {
        return directory;
    }

    /** Every template, ordered by id. */
    public Collection<TemplateInfo> list() {
        return new TreeMap<>(byId).values();
    }

    public Optional<TemplateInfo> find(String id) {
        return Optional.ofNullable(id == null ? null : byId.get(id));
    }

    /**
     * Validates {@code params} against the template's metadata (missing ones take their defaults) and renders the
     * self-contained C source the learner sees in the editor.
     *
     * @throws UnknownTemplateException   no template has this id
     * @throws TemplateParameterException a parameter is unknown or its value is not allowed; the message says why
     */
    public String render(String id, Map<String, ?> params) {
        TemplateInfo info = find(id).orElseThrow(() -> new UnknownTemplateException(id, new TreeMap<>(byId).keySet()));
        Map<String, ?> given = params == null ? Map.of() : params;
        Map<String, TemplateParam> declared = new LinkedHashMap<>();
        info.params().forEach(p -> declared.put(p.name(), p));
        for (String name : given.keySet()) {
            if (!declared.containsKey(name)) {
                throw new TemplateParameterException(TemplateParam.printable(name),
                        "does not exist; template '" + id + "' takes " + (declared.isEmpty() ? "no parameters"
                                : String.join(", ", declared.keySet())));
            }
        }
        Map<String, Object> model = new HashMap<>();
        for (TemplateParam param : declared.values()) {
            param.addToModel(param.validate(given.get(param.name())), model);
        }
        try {
            Template template = freemarker.getTemplate(id + "/" + id + ".bpf.c.ftl");
            StringWriter out = new StringWriter();
            template.process(model, out);
            return out.toString();
        } catch (IOException | TemplateException e) {
            throw new TemplateCatalogException("template '" + id + "' cannot be rendered: " + e.getMessage(), e);
        }
    }

    private static Configuration freemarkerFor(Path dir) {
        Configuration cfg = new Configuration(Configuration.VERSION_2_3_32);
        try {
            cfg.setTemplateLoader(new FileTemplateLoader(dir.toFile()));
        } catch (IOException e) {
            throw new TemplateCatalogException("cannot use template directory " + dir + ": " + e.getMessage(), e);
        }
        cfg.setDefaultEncoding("UTF-8");
        cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        cfg.setLogTemplateExceptions(false);
        cfg.setWrapUncheckedExceptions(true);
        cfg.setFallbackOnNullLoopVariable(false);
        // Templates are trusted files, but nothing in them needs Java objects: shut those doors anyway.
        cfg.setAPIBuiltinEnabled(false);
        cfg.setNewBuiltinClassResolver(TemplateClassResolver.ALLOWS_NOTHING_RESOLVER);
        cfg.setNumberFormat("computer");
        cfg.setBooleanFormat("c");
        return cfg;
    }

    private static TemplateInfo readMetadata(Path templateDir) {
        Path file = templateDir.resolve("template.json");
        String where = file.toString();
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new TemplateCatalogException(where + " is not valid JSON: " + e.getMessage(), e);
        }
        String id = text(root, "id", where);
        if (!ID.matcher(id).matches() || !id.equals(templateDir.getFileName().toString())) {
            throw new TemplateCatalogException(where + ": id '" + id + "' must match " + ID + " and equal its directory name");
        }
        if (!Files.isRegularFile(templateDir.resolve(id + ".bpf.c.ftl"))) {
            throw new TemplateCatalogException(where + ": " + id + ".bpf.c.ftl is missing beside it");
        }
        List<TemplateParam> params = new ArrayList<>();
        for (JsonNode node : root.path("params")) {
            TemplateParam param = readParam(node, where);
            if (params.stream().anyMatch(p -> p.name().equals(param.name()))) {
                throw new TemplateCatalogException(where + ": parameter '" + param.name() + "' is declared twice");
            }
            params.add(param);
        }
        List<String> requires = new ArrayList<>();
        root.path("requires").forEach(n -> requires.add(n.asText()));
        JsonNode expect = root.path("expect");
        if (!expect.isArray() || expect.isEmpty()) {
            throw new TemplateCatalogException(where + ": 'expect' must list at least one check");
        }
        KernelMetadata kernels = KernelMetadata.read(root, where, TemplateCatalogException::new);
        return new TemplateInfo(id, localized(root, "title", where), text(root, "category", where),
                localized(root, "description", where), List.copyOf(params), text(root, "workload", where),
                List.copyOf(requires), expect, kernels.needs(), kernels.kernel());
    }

    private static TemplateParam readParam(JsonNode node, String where) {
        String name = text(node, "name", where);
        String at = where + ": parameter '" + name + "'";
        if (!PARAM_NAME.matcher(name).matches()) {
            throw new TemplateCatalogException(at + ": a name must match " + PARAM_NAME);
        }
        ParamType type = ParamType.fromJsonName(text(node, "type", at))
                .orElseThrow(() -> new TemplateCatalogException(at + ": type must be int, string, enum, bool or ipv4"));
        Long min = node.hasNonNull("min") ? node.get("min").asLong() : null;
        Long max = node.hasNonNull("max") ? node.get("max").asLong() : null;
        String pattern = node.hasNonNull("pattern") ? node.get("pattern").asText() : null;
        List<String> values = null;
        if (type == ParamType.ENUM) {
            values = new ArrayList<>();
            for (JsonNode v : node.path("values")) {
                if (!ENUM_VALUE.matcher(v.asText()).matches()) {
                    throw new TemplateCatalogException(at + ": enum value '" + v.asText() + "' must match " + ENUM_VALUE);
                }
                values.add(v.asText());
            }
            if (values.isEmpty()) {
                throw new TemplateCatalogException(at + ": an enum needs 'values'");
            }
            values = List.copyOf(values);
        }
        if (type == ParamType.STRING) {
            if (pattern == null || max == null) {
                throw new TemplateCatalogException(at + ": a string parameter needs a 'pattern' and a 'max' length");
            }
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw new TemplateCatalogException(at + ": bad pattern: " + e.getDescription());
            }
        }
        JsonNode defaultNode = node.get("default");
        if (defaultNode == null || defaultNode.isNull()) {
            throw new TemplateCatalogException(at + ": a parameter needs a 'default'");
        }
        Object rawDefault = switch (type) {
            case INT -> defaultNode.isIntegralNumber() ? defaultNode.asLong() : defaultNode.asText();
            case BOOL -> defaultNode.isBoolean() ? defaultNode.asBoolean() : defaultNode.asText();
            default -> defaultNode.asText();
        };
        TemplateParam unchecked = new TemplateParam(name, type, rawDefault, min, max, pattern, values,
                localized(node, "description", at));
        try {
            return new TemplateParam(name, type, unchecked.validate(rawDefault), min, max, pattern, values,
                    unchecked.description());
        } catch (TemplateParameterException e) {
            throw new TemplateCatalogException(at + ": its default is not valid: " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field, String where) {
        return Metadata.text(node, field, where, TemplateCatalogException::new);
    }

    private static LocalizedText localized(JsonNode node, String field, String where) {
        return Metadata.localized(node, field, where, TemplateCatalogException::new);
    }
}
