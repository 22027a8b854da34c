package dev.bpflab.security;

import dev.bpflab.api.ApiErrorMapper;
import dev.bpflab.api.ApiException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every state-changing REST call (POST, PUT, PATCH, DELETE) comes from the lab's own page or a listed origin, to a
 * host this server answers to ({@link OriginPolicy}); otherwise 403 {@code {"message": …}} saying what to configure,
 * before any resource runs. Reads (GET) are left alone: a foreign page cannot read their answers (no CORS here).
 */
public class RequestOriginFilter {
    private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    @Inject
    OriginPolicy policy;

    /** Whether an HTTP method changes state, and so is checked here and by {@link JsonBodyFilter}. */
    static boolean changesState(String method) {
        return STATE_CHANGING.contains(method);
    }

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION)
    public Optional<Response> checkOrigin(ContainerRequestContext request, HttpServerRequest client) {
        if (!changesState(request.getMethod())) {
            return Optional.empty();
        }
        return policy.refusal(client).map(message -> ApiErrorMapper.response(new ApiException(403, message)));
    }
}
