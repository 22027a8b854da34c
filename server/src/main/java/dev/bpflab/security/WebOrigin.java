package dev.bpflab.security;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A web origin, {@code scheme://host:port}, as a browser's {@code Origin} header names one, or as a request's own
 * scheme and {@code Host} header make one. Scheme and host are lower case; the port is always explicit (80 for http,
 * 443 for https when the text leaves it out), so {@code http://lab} and {@code http://lab:80} are equal.
 *
 * @param scheme {@code http} or {@code https}
 * @param host   a DNS name, a dotted IPv4 address, or an IPv6 address in brackets ({@code [::1]})
 * @param port   1–65535
 */
public record WebOrigin(String scheme, String host, int port) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9_]([a-z0-9_.-]{0,252})?");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]{2,45}]");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    /** The origin an {@code Origin} header names; empty for {@code null} (an opaque origin), paths or junk. */
    public static Optional<WebOrigin> parseOrigin(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String text = header.strip().toLowerCase(Locale.ROOT);
        int separator = text.indexOf("://");
        if (separator < 0) {
            return Optional.empty();
        }
        return parse(text.substring(0, separator), text.substring(separator + 3));
    }

    /** The origin a request to {@code scheme} with this {@code Host} header was sent to; empty when it is no host. */
    public static Optional<WebOrigin> ofRequest(String scheme, String hostHeader) {
        if (scheme == null || hostHeader == null) {
            return Optional.empty();
        }
        return parse(scheme.toLowerCase(Locale.ROOT), hostHeader.strip().toLowerCase(Locale.ROOT));
    }

    /** {@code host[:port]} without the scheme, for a Host header; the port only when it is not the default. */
    public String authority() {
        return port == defaultPort(scheme) ? host : host + ":" + port;
    }

    /** Whether the host is an IP address written as one (not a name anything could resolve differently). */
    public boolean isIpLiteral() {
        if (host.startsWith("[")) {
            return true;
        }
        var quad = IPV4.matcher(host);
        if (!quad.matches()) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(quad.group(i)) > 255) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return scheme + "://" + authority();
    }

    private static Optional<WebOrigin> parse(String scheme, String authority) {
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.empty();
        }
        String host = authority;
        int port = defaultPort(scheme);
        int colon = authority.lastIndexOf(':');
        if (colon >= 0 && colon > authority.lastIndexOf(']')) {
            host = authority.substring(0, colon);
            String digits = authority.substring(colon + 1);
            if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(Character::isDigit)) {
                return Optional.empty();
            }
            port = Integer.parseInt(digits);
            if (port < 1 || port > 65535) {
                return Optional.empty();
            }
        }
        if (!NAME.matcher(host).matches() && !IPV6.matcher(host).matches()) {
            return Optional.empty();
        }
        return Optional.of(new WebOrigin(scheme, host, port));
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }
}
