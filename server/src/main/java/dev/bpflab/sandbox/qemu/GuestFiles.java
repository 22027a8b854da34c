package dev.bpflab.sandbox.qemu;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Content keys of the qemu backend (the saved VM's, the KVM probe memo's). Directory trees are removed with
 * {@link dev.bpflab.support.files.FileTrees#delete}.
 */
final class GuestFiles {
    private GuestFiles() {
    }

    /** The SHA-256 of {@code text} (UTF-8) as 64 lower-case hex digits. */
    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
