package dev.bpflab.runs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.catalog.TemplateCatalog;
import dev.bpflab.catalog.TemplateParameterException;
import dev.bpflab.catalog.UnknownTemplateException;
import dev.bpflab.protocol.ClientMessage;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.Workload;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves a run's source: the learner's own text when there is one (an edited template is still their text),
 * otherwise the template named by "template" rendered with "params".
 */
@ApplicationScoped
public class RunSources implements SourceResolver {
    @Inject
    TemplateCatalog templates;

    @Override
    public String resolve(ClientMessage.Run run) {
        if (run.hasSource()) {
            return run.source();
        }
        JsonNode params = run.params();
        @SuppressWarnings("unchecked")
        Map<String, Object> values = params != null && params.isObject()
                ? RunJson.mapper().convertValue(params, LinkedHashMap.class) : Map.of();
        try {
            return templates.render(run.template(), values);
        } catch (UnknownTemplateException | TemplateParameterException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    @Override
    public Optional<Workload> templateWorkload(String template) {
        return templates.find(template).flatMap(info -> Optional.ofNullable(info.workload())).flatMap(Workload::fromWire);
    }
}
