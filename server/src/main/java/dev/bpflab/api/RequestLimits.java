package dev.bpflab.api;

import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The per-address budgets of the requests that write to the data directory or create rooms. */
@ApplicationScoped
public class RequestLimits {
    public enum Kind {
        ROOM("rooms created"), JOIN("room joins"), SHARE("share links");

        final String what;

        Kind(String what) {
            this.what = what;
        }
    }

    private final Map<Kind, RateLimiter> limiters;

    RequestLimits(@ConfigProperty(name = "bpflab.limits.rooms-per-minute", defaultValue = "30") int rooms,
            @ConfigProperty(name = "bpflab.limits.joins-per-minute", defaultValue = "600") int joins,
            @ConfigProperty(name = "bpflab.limits.shares-per-minute", defaultValue = "120") int shares) {
        limiters = Map.of(Kind.ROOM, new RateLimiter(rooms), Kind.JOIN, new RateLimiter(joins),
                Kind.SHARE, new RateLimiter(shares));
    }

    /** Takes one request from the address's budget, or throws the 429 that says when to try again (Retry-After). */
    public void check(Kind kind, HttpServerRequest request) {
        String address = request == null || request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        RateLimiter limiter = limiters.get(kind);
        long wait = limiter.acquire(address);
        if (wait != 0) {
            throw new ApiException(429, "Too many " + kind.what + " from your address (at most " + limiter.perMinute()
                    + " a minute); try again in " + wait + " s.").withHeader("Retry-After", Long.toString(wait));
        }
    }
}
