package dev.bpflab.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.catalog.TemplateCatalog;
import dev.bpflab.catalog.TemplateParameterException;
import dev.bpflab.catalog.UnknownTemplateException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Resolves a run's source: the learner's own text when there is one (an edited template is still their text),
 * otherwise the template named by "template" rendered with "params".
 */
@ApplicationScoped
public class RunSources implements SourceResolver {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    TemplateCatalog templates;

    @Override
    public String resolve(JsonNode runMessage) {
        String source = runMessage.path("source").asText("");
        if (!source.isBlank()) {
            return source;
        }
        String template = runMessage.path("template").asText("");
        if (template.isBlank()) {
            throw new IllegalArgumentException("the run has no program: send the C source in \"source\", or a template id "
                    + "in \"template\" (see GET /api/templates)");
        }
        JsonNode params = runMessage.path("params");
        if (!params.isMissingNode() && !params.isNull() && !params.isObject()) {
            throw new IllegalArgumentException("\"params\" must be an object of parameter name → value");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> values = params.isObject() ? JSON.convertValue(params, LinkedHashMap.class) : Map.of();
        try {
            return templates.render(template, values);
        } catch (UnknownTemplateException | TemplateParameterException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }
}
