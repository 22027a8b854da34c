package dev.bpflab.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which Origin and Host pairs the lab takes, and what a refusal tells the operator to configure. */
class OriginPolicyTest {
    private static final OriginPolicy DEFAULT = new OriginPolicy(Optional.empty(), Optional.empty());

    private static void allowed(OriginPolicy policy, String scheme, String host, String origin) {
        assertEquals(Optional.empty(), policy.refusal(scheme, host, origin), scheme + " " + host + " from " + origin);
    }

    private static String refused(OriginPolicy policy, String scheme, String host, String origin) {
        return policy.refusal(scheme, host, origin).orElseThrow(() -> new AssertionError(
                "allowed: " + scheme + " " + host + " from " + origin));
    }

    @Test
    void theLabsOwnPageAndClientsWithoutAnOriginAreAllowed() {
        allowed(DEFAULT, "http", "localhost:8080", "http://localhost:8080");
        allowed(DEFAULT, "http", "LOCALHOST:8080", "http://localhost:8080");
        allowed(DEFAULT, "http", "192.168.1.10:8080", "http://192.168.1.10:8080");
        allowed(DEFAULT, "http", "[::1]:8080", "http://[::1]:8080");
        allowed(DEFAULT, "http", "10.0.0.5", "http://10.0.0.5:80");
        allowed(DEFAULT, "https", "10.0.0.5", "https://10.0.0.5");
        allowed(DEFAULT, "http", "localhost:8080", null);
        allowed(DEFAULT, "http", "lab.localhost:8080", "http://lab.localhost:8080");
    }

    @Test
    void aForeignPageIsRefusedWithTheKeyToSet() {
        String message = refused(DEFAULT, "http", "localhost:8080", "http://evil.example");
        assertEquals("A page of http://evil.example may not use this lab: only its own page (http://localhost:8080) "
                + "may. If the lab's page is served from there, add that origin to bpflab.security.allowed-origins.",
                message);
        refused(DEFAULT, "http", "localhost:8080", "http://localhost:8081"); // another port is another site
        refused(DEFAULT, "http", "localhost:8080", "https://localhost:8080"); // and another scheme
        refused(DEFAULT, "http", "localhost:8080", "null"); // a sandboxed frame, a file:// page
        assertTrue(refused(DEFAULT, "http", "localhost:8080", "\u0000" + "x".repeat(500)).length() < 300);
    }

    @Test
    void aNameThatIsNotTheServersIsRefusedEvenFromItsOwnPage() {
        // DNS rebinding: evil.example now resolves to this machine, so its page is "same origin" with its requests.
        String message = refused(DEFAULT, "http", "evil.example:8080", "http://evil.example:8080");
        assertEquals("This server does not answer to the name 'evil.example' (a guard against DNS rebinding). If the "
                + "lab is reached by that name, add it to bpflab.security.allowed-hosts.", message);
        refused(DEFAULT, "http", "evil.example:8080", null);
        refused(DEFAULT, "http", null, null);
        refused(DEFAULT, "http", "localhost:8080/evil", null);
        refused(DEFAULT, "http", "999.1.1.1", null); // not an address, so a name: not listed
    }

    @Test
    void listedOriginsAndHostsAreAllowed() {
        OriginPolicy policy = new OriginPolicy(Optional.of(List.of("https://lab.example.org/", "http://10.1.1.1:9000")),
                Optional.of(List.of("Classroom.Example.ORG:8080")));
        // A reverse proxy: the browser is at https://lab.example.org, the server sees plain http with the same Host.
        allowed(policy, "http", "lab.example.org", "https://lab.example.org");
        allowed(policy, "http", "127.0.0.1:8080", "http://10.1.1.1:9000");
        allowed(policy, "http", "classroom.example.org:8080", "http://classroom.example.org:8080");
        allowed(policy, "http", "classroom.example.org:9999", null);
        refused(policy, "http", "lab.example.org", "https://evil.example");
    }

    @Test
    void aListedOriginThatIsNoOriginStopsTheStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new OriginPolicy(Optional.of(List.of("lab.example.org")), Optional.empty()));
        assertTrue(e.getMessage().startsWith("bpflab.security.allowed-origins: 'lab.example.org' is not a web origin"),
                e.getMessage());
    }
}
