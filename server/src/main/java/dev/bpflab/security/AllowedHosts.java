package dev.bpflab.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The host names this server answers to, against DNS rebinding: a page of {@code evil.example} whose name is made to
 * resolve to this machine is, to the browser, the same origin as the lab, but its requests still say
 * {@code Host: evil.example}. Always allowed: {@code localhost} and names under {@code .localhost} (browsers resolve
 * them to loopback themselves), any IP address written as one (no name to rebind), and this machine's own host name.
 * Anything else must be listed. Ports are not compared.
 */
public final class AllowedHosts {
    private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    private final Set<String> names;

    /** {@code listed}: names from the configuration (case-insensitive; a {@code :port} on one is ignored). */
    public AllowedHosts(Collection<String> listed) {
        Set<String> all = new LinkedHashSet<>();
        all.add("localhost");
        String own = machineName();
        if (own != null) {
            all.add(own);
        }
        for (String name : listed) {
            String bare = withoutPort(name.strip().toLowerCase(Locale.ROOT));
            if (!bare.isEmpty()) {
                all.add(bare);
            }
        }
        this.names = Set.copyOf(all);
    }

    /** Whether a request sent to {@code origin} (its host) is one for this server. */
    public boolean allows(WebOrigin origin) {
        String host = origin.host();
        return origin.isIpLiteral() || names.contains(host) || host.endsWith(".localhost");
    }

    /** The names listed or found, for the start-up log. */
    public Set<String> names() {
        return names;
    }

    private static String withoutPort(String name) {
        int colon = name.lastIndexOf(':');
        return colon > name.lastIndexOf(']') ? name.substring(0, colon) : name;
    }

    /** The kernel's host name (what `hostname` prints), or null; no DNS lookup, which could stall start-up. */
    private static String machineName() {
        try {
            String name = Files.readString(KERNEL_HOSTNAME).strip().toLowerCase(Locale.ROOT);
            return name.isEmpty() || name.equals("(none)") ? null : name;
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
