package dev.bpflab.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The policy lets the pages' own inline scripts run (by hash) and nothing else inline, and forbids framing. */
class ContentSecurityPolicyTest {

    @Test
    void inlineScriptsAreHashedAndScriptsWithSrcAreNot() {
        String html = "<head><script>let a = 1;</script><script type=\"module\" src=\"/app.js\"></script>"
                + "<SCRIPT type=\"text/javascript\">\nb()\n</SCRIPT></head>";
        // printf 'let a = 1;' | openssl dgst -sha256 -binary | base64, and the same of '\nb()\n'
        assertEquals(Set.of("sha256-xY6QKfH9PRsQnLz56nj6MBwiK5oHg+im1Jkpdp1x/Ck=",
                "sha256-NlXKTQe8YfLmZqnEm5aXK1Lb/1wWgkKgNs+lNRY6yOo="), ContentSecurityPolicy.inlineScriptHashes(html));
    }

    /**
     * The page sources: the web build copies them with only the bundles' names changed, so their inline scripts (the
     * theme, set before the first paint) are the ones served, and the policy must allow each, or the pages break.
     */
    @Test
    void theLabAndRoomsPagesInlineScriptsAreAllowed() throws IOException {
        List<String> pages = List.of(Files.readString(Path.of("web/index.html")),
                Files.readString(Path.of("web/src/dashboard/rooms.html")));
        String header = ContentSecurityPolicy.ofPageTexts(pages).header(null);
        for (String page : pages) {
            Set<String> hashes = ContentSecurityPolicy.inlineScriptHashes(page);
            assertFalse(hashes.isEmpty(), "the page sets its theme with an inline script");
            hashes.forEach(hash -> assertTrue(header.contains("'" + hash + "'"), header));
        }
    }

    @Test
    void theHeaderNamesTheSocketsAndForbidsFraming() {
        ContentSecurityPolicy policy = ContentSecurityPolicy.ofPageTexts(List.of());
        String header = policy.header(WebOrigin.ofRequest("http", "localhost:8080").orElseThrow());
        assertTrue(header.contains("connect-src 'self' ws://localhost:8080;"), header);
        assertTrue(header.contains("frame-ancestors 'none'"), header);
        assertTrue(header.contains("script-src 'self';"), header);
        String tls = policy.header(WebOrigin.ofRequest("https", "lab.example.org").orElseThrow());
        assertTrue(tls.contains("connect-src 'self' wss://lab.example.org;"), tls);
    }
}
