package dev.bpflab.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Content-Security-Policy of the lab's pages. Scripts come only from this server (the esbuild bundles) plus the
 * pages' own inline scripts (the theme set before the first paint), allowed by their SHA-256, read from the built
 * pages at start-up so that editing one cannot silently break it. Styles may be inline: CodeMirror and the rooms
 * page add {@code <style>} elements. Images and fonts may be {@code data:} URIs (the editor's lint marks). Nothing
 * may frame the pages, and no plugin, {@code <base>} or foreign form target is allowed.
 */
public final class ContentSecurityPolicy {
    /** The pages the server hands out itself (LabPageResource, RoomPages), as the web build writes them. */
    static final List<String> PAGES = List.of("bpflab-web/index.html", "bpflab-web/rooms.html");
    private static final Pattern SCRIPT = Pattern.compile("<script(\\s[^>]*)?>(.*?)</script>",
            Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

    private final String beforeConnect;
    private final String afterConnect;

    private ContentSecurityPolicy(Set<String> scriptHashes) {
        StringBuilder scripts = new StringBuilder("script-src 'self'");
        scriptHashes.forEach(h -> scripts.append(" '").append(h).append('\''));
        this.beforeConnect = "default-src 'self'; " + scripts + "; style-src 'self' 'unsafe-inline'; "
                + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'";
        this.afterConnect = "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    /** The policy for the pages found on {@code loader}'s class path (none when built without the page). */
    public static ContentSecurityPolicy ofPages(ClassLoader loader) {
        List<String> texts = new ArrayList<>();
        for (String page : PAGES) {
            try (InputStream in = loader.getResourceAsStream(page)) {
                if (in != null) {
                    texts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + page, e);
            }
        }
        return ofPageTexts(texts);
    }

    /** The policy for pages of this HTML. */
    static ContentSecurityPolicy ofPageTexts(List<String> pages) {
        Set<String> hashes = new LinkedHashSet<>();
        pages.forEach(page -> hashes.addAll(inlineScriptHashes(page)));
        return new ContentSecurityPolicy(hashes);
    }

    /**
     * The header's value. {@code webSocketOrigin} is the request's own {@code host:port} when known: older browsers do
     * not let {@code 'self'} cover {@code ws:}/{@code wss:}, so the page's sockets are named as well.
     */
    public String header(WebOrigin webSocketOrigin) {
        if (webSocketOrigin == null) {
            return beforeConnect + afterConnect;
        }
        String authority = webSocketOrigin.authority();
        String socket = webSocketOrigin.scheme().equals("https") ? " wss://" + authority : " ws://" + authority;
        return beforeConnect + socket + afterConnect;
    }

    /** {@code sha256-<base64>} of every {@code <script>} without {@code src} in {@code html}, as the CSP spells it. */
    static Set<String> inlineScriptHashes(String html) {
        Set<String> hashes = new LinkedHashSet<>();
        Matcher script = SCRIPT.matcher(html);
        while (script.find()) {
            String attributes = script.group(1) == null ? "" : script.group(1);
            if (!attributes.toLowerCase(Locale.ROOT).contains("src=")) {
                hashes.add("sha256-" + Base64.getEncoder().encodeToString(sha256(script.group(2))));
            }
        }
        return hashes;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
