package dev.bpflab.rooms;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

final class QueryParams {
    private QueryParams() {
    }

    /** The first value of {@code name} in a raw query string, decoded; null when absent. */
    static String get(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                try {
                    return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return "";
                }
            }
        }
        return null;
    }
}
