package dev.bpflab.security;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Security headers on every response, pages, static files and API alike: the {@link ContentSecurityPolicy} (no
 * framing: {@code frame-ancestors 'none'}), {@code X-Frame-Options: DENY} for browsers that predate it,
 * {@code X-Content-Type-Options: nosniff} and {@code Referrer-Policy: no-referrer} (an instructor's link carries the
 * room's secret). Quarkus's own dev tools under {@code /q/dev} are left alone: they need their inline scripts.
 */
@Singleton
public class SecurityHeaders {
    /** Before the routes, so static files and WebSocket upgrades get them too. */
    private static final int FILTER_PRIORITY = 100;

    // The loader LabPageResource reads the pages with.
    private final ContentSecurityPolicy policy =
            ContentSecurityPolicy.ofPages(Thread.currentThread().getContextClassLoader());

    void register(@Observes Filters filters) {
        filters.register(this::addHeaders, FILTER_PRIORITY);
    }

    private void addHeaders(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (!request.path().startsWith("/q/dev")) {
            // At the end, so a handler that sets its own (or resets them on an error) does not leave them out.
            context.addHeadersEndHandler(v -> set(context.response().headers(), request));
        }
        context.next();
    }

    private void set(MultiMap headers, HttpServerRequest request) {
        WebOrigin own = WebOrigin.ofRequest(request.scheme(), request.getHeader(HttpHeaders.HOST)).orElse(null);
        headers.set("Content-Security-Policy", policy.header(own));
        headers.set("X-Frame-Options", "DENY");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
    }
}
