package dev.bpflab.runs;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;

/** Resolves a run's source: the learner's own text. (Templates by id join when the catalog renders them.) */
@ApplicationScoped
public class RunSources implements SourceResolver {

    @Override
    public String resolve(JsonNode runMessage) {
        String source = runMessage.path("source").asText("");
        if (!source.isBlank()) {
            return source;
        }
        throw new IllegalArgumentException("the run has no program: send the C source in \"source\"");
    }
}
