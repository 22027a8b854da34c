package dev.bpflab.rooms;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Random identifiers and secrets for rooms. Secrets (instructor secrets, learner tokens) are 256 random bits,
 * URL-safe base64; only their SHA-256 is kept, in memory and on disk, and a presented secret is checked by comparing
 * digests in constant time.
 */
final class Secrets {
    /** Join codes avoid letters and digits that read alike on a projector: no 0/O, 1/I/L. */
    static final String CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    static final int CODE_LENGTH = 6;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern GENERATED_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

    private Secrets() {
    }

    /** An unguessable secret: 256 random bits, 43 URL-safe characters. */
    static String secret() {
        return random(32);
    }

    /** A room id: 128 random bits, 22 URL-safe characters. */
    static String roomId() {
        return id(16);
    }

    /** A student id, shown to the instructor only: 48 random bits, 8 URL-safe characters. */
    static String studentId() {
        return id(6);
    }

    /**
     * Whether {@code text} could be an id this class made (a room, student, push or broadcast id): 1 to 64 URL-safe
     * base64 characters. Unlike a lesson or template id, such an id may begin with '_' (and, if saved before ids
     * stopped beginning with '-', with '-').
     */
    static boolean isId(String text) {
        return text != null && GENERATED_ID.matcher(text).matches();
    }

    static String joinCode() {
        char[] code = new char[CODE_LENGTH];
        for (int i = 0; i < code.length; i++) {
            code[i] = CODE_ALPHABET.charAt(RANDOM.nextInt(CODE_ALPHABET.length()));
        }
        return new String(code);
    }

    /** What a student typed, made comparable to a join code: case, spaces and dashes do not matter. */
    static String normalizeCode(String typed) {
        return typed == null ? "" : typed.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
    }

    /** The SHA-256 of a secret, URL-safe base64: what is stored instead of the secret. */
    static String digest(String secret) {
        return URL_SAFE.encodeToString(sha256(secret));
    }

    /** Whether {@code presented} is the secret whose digest is {@code storedDigest}, in time independent of where they differ. */
    static boolean matches(String presented, String storedDigest) {
        if (presented == null || storedDigest == null) {
            return false;
        }
        byte[] stored;
        try {
            stored = Base64.getUrlDecoder().decode(storedDigest);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(sha256(presented), stored);
    }

    /**
     * Random URL-safe characters that never begin with '-', so that an id is plain text wherever it appears (a
     * spreadsheet reads a cell beginning with '-' as a formula). Ids saved before this may still begin with one.
     */
    private static String id(int bytes) {
        String id;
        do {
            id = random(bytes);
        } while (id.charAt(0) == '-');
        return id;
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return URL_SAFE.encodeToString(b);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
