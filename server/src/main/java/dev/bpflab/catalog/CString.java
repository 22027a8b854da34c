package dev.bpflab.catalog;

import java.nio.charset.StandardCharsets;

/** Turns any text into a C string literal that stays one literal whatever the text holds. */
final class CString {
    private CString() {
    }

    /**
     * Printable ASCII stays as it is except {@code " \ ?} (the question mark because of trigraphs); every other byte,
     * newlines included, becomes a three-digit octal escape, which can never merge with the characters after it.
     */
    static String literal(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '?') {
                out.append((char) c);
            } else {
                out.append('\\').append((char) ('0' + (c >> 6))).append((char) ('0' + ((c >> 3) & 7)))
                        .append((char) ('0' + (c & 7)));
            }
        }
        return out.append('"').toString();
    }
}
