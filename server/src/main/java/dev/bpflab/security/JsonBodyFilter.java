package dev.bpflab.security;

import dev.bpflab.api.ApiErrorMapper;
import dev.bpflab.api.ApiException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A state-changing REST call sends JSON or nothing: a {@code Content-Type} other than {@code application/json}, or a
 * body without one, is 415 before any resource runs. A page of another site can make a browser POST
 * {@code text/plain}, form data or an untyped blob without asking first (no CORS preflight), but never
 * {@code application/json}; so this closes that door even where an {@code Origin} check would not.
 */
public class JsonBodyFilter {

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION + 100)
    public Optional<Response> requireJson(ContainerRequestContext request, HttpServerRequest client) {
        if (!RequestOriginFilter.changesState(request.getMethod())) {
            return Optional.empty();
        }
        String type = client.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null ? !hasBody(client) : isJson(type)) {
            return Optional.empty();
        }
        String said = type == null ? "none" : OriginPolicy.echo(type);
        return Optional.of(ApiErrorMapper.response(new ApiException(415, request.getMethod() + " "
                + ApiException.echo(client.path()) + " takes a JSON body: send Content-Type: application/json (this "
                + "request's Content-Type: " + said + ").")));
    }

    /** {@code application/json}, with or without parameters such as {@code charset}. */
    static boolean isJson(String contentType) {
        int semicolon = contentType.indexOf(';');
        String bare = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        return bare.toLowerCase(Locale.ROOT).equals("application/json");
    }

    private static boolean hasBody(HttpServerRequest client) {
        String length = client.getHeader(HttpHeaders.CONTENT_LENGTH);
        return client.getHeader(HttpHeaders.TRANSFER_ENCODING) != null
                || (length != null && !length.strip().equals("0"));
    }
}
