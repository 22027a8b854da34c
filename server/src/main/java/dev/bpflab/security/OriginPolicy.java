package dev.bpflab.security;

import io.quarkus.runtime.Startup;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Who may open the lab's WebSockets and make its state-changing REST calls: any page can make a browser send those
 * to the lab (a WebSocket is not bound by CORS, nor is a {@code text/plain} POST), and with the local backend a
 * socket to {@code /ws/run} runs eBPF in the host's kernel.
 * <ul>
 * <li>The {@code Host} must be one this server answers to ({@link AllowedHosts}, plus
 * {@code bpflab.security.allowed-hosts} and the hosts of {@code bpflab.security.allowed-origins}).</li>
 * <li>An {@code Origin}, when there is one, must be the request's own ({@code scheme://Host}) or listed in
 * {@code bpflab.security.allowed-origins}. No {@code Origin} is allowed: browsers send one on every WebSocket and
 * every cross-site POST, so a request without it comes from curl, a script or a test, not from a web page.</li>
 * </ul>
 */
@Singleton
@Startup // a listed origin that is no origin stops the start, not the first request
public class OriginPolicy {
    static final String ORIGINS_KEY = "bpflab.security.allowed-origins";
    static final String HOSTS_KEY = "bpflab.security.allowed-hosts";
    private static final Logger LOG = Logger.getLogger(OriginPolicy.class);
    private static final int MAX_ECHO = 80;
    /** Distinct refusals logged; past this, a flood of them does not fill the log. */
    private static final int MAX_LOGGED = 50;

    private final Set<WebOrigin> origins;
    private final AllowedHosts hosts;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    OriginPolicy(@ConfigProperty(name = ORIGINS_KEY) Optional<List<String>> allowedOrigins,
            @ConfigProperty(name = HOSTS_KEY) Optional<List<String>> allowedHosts) {
        this.origins = allowedOrigins.orElse(List.of()).stream().map(String::strip).filter(s -> !s.isEmpty())
                .map(OriginPolicy::configuredOrigin).collect(Collectors.toUnmodifiableSet());
        List<String> hostNames = new ArrayList<>(allowedHosts.orElse(List.of()));
        origins.forEach(o -> hostNames.add(o.host()));
        this.hosts = new AllowedHosts(hostNames);
        LOG.infof("origins allowed: this server's own%s; hosts: %s and IP addresses", origins.isEmpty() ? ""
                : " and " + origins, String.join(", ", hosts.names()));
    }

    /** {@link #refusal(String, String, String)} for a request as Vert.x received it. */
    public Optional<String> refusal(HttpServerRequest request) {
        String host = request.getHeader(HttpHeaders.HOST);
        if (host == null && request.authority() != null) { // HTTP/2 says :authority instead
            HostAndPort authority = request.authority();
            host = authority.port() < 0 ? authority.host() : authority.host() + ":" + authority.port();
        }
        return refusal(request.scheme(), host, request.getHeader(HttpHeaders.ORIGIN));
    }

    /**
     * Why a request may not go on, or empty when it may.
     *
     * @param scheme the request's own scheme ({@code http} or {@code https})
     * @param host   its {@code Host} header (null when it had none)
     * @param origin its {@code Origin} header (null when it had none)
     * @return one or two sentences that say what to configure if the request is legitimate
     */
    public Optional<String> refusal(String scheme, String host, String origin) {
        Optional<WebOrigin> own = WebOrigin.ofRequest(scheme, host);
        if (own.isEmpty()) {
            return refuse("The request's Host header (" + echo(host) + ") names no host this server answers to.");
        }
        if (!hosts.allows(own.get())) {
            return refuse("This server does not answer to the name '" + own.get().host() + "' (a guard against DNS "
                    + "rebinding). If the lab is reached by that name, add it to " + HOSTS_KEY + ".");
        }
        if (origin == null) {
            return Optional.empty();
        }
        Optional<WebOrigin> from = WebOrigin.parseOrigin(origin);
        if (from.isPresent() && (from.get().equals(own.get()) || origins.contains(from.get()))) {
            return Optional.empty();
        }
        return refuse("A page of " + (from.isPresent() ? from.get().toString() : echo(origin)) + " may not use this "
                + "lab: only its own page (" + own.get() + ") may. If the lab's page is served from there, add that "
                + "origin to " + ORIGINS_KEY + ".");
    }

    private Optional<String> refuse(String message) {
        if (logged.size() < MAX_LOGGED && logged.add(message)) {
            LOG.infof("refused: %s", message);
        }
        return Optional.of(message);
    }

    /** Untrusted header text for a message (and a response header): printable ASCII, at most 80 characters. */
    static String echo(String untrusted) {
        if (untrusted == null) {
            return "none";
        }
        String printable = untrusted.replaceAll("[^\\x20-\\x7e]", "?");
        return "'" + (printable.length() <= MAX_ECHO ? printable : printable.substring(0, MAX_ECHO) + "...") + "'";
    }

    private static WebOrigin configuredOrigin(String text) {
        String bare = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        return WebOrigin.parseOrigin(bare).orElseThrow(() -> new IllegalArgumentException(ORIGINS_KEY + ": '" + text
                + "' is not a web origin; write it as scheme://host[:port], e.g. https://lab.example.org"));
    }
}
