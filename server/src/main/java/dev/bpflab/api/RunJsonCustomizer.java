package dev.bpflab.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.protocol.RunJson;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Gives the ObjectMapper Quarkus injects (REST bodies and answers, and every {@code @Inject ObjectMapper}) the one
 * configuration of {@link RunJson#configure}: bounded nesting and string length, strict scalars, no null fields
 * written.
 */
@Singleton
public class RunJsonCustomizer implements ObjectMapperCustomizer {
    @Override
    public void customize(ObjectMapper mapper) {
        RunJson.configure(mapper);
    }
}
