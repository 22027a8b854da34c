package dev.bpflab.share;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.storage.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Shared programs (source, template, parameters) as one JSON file each in a directory. A share is written to a
 * temporary file in the same directory and then renamed over its final name, so a reader never sees half a file
 * and a crash never leaves one behind under a real id. Ids are 128 random bits, URL-safe base64: unguessable.
 * The directory keeps at most so many shares, each for so long, and leaves the disk so much free ({@link Limits},
 * enforced by {@link ShareQuota}).
 */
public final class ShareStore {
    public static final int MAX_SOURCE_CHARS = 64 * 1024;
    public static final int MAX_PARAMS = 64;
    public static final int MAX_PARAM_CHARS = 1024;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final Pattern TEMPLATE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    public static final int MAX_PROGRESS = 500;
    private static final int MAX_STEP = 9999;
    private static final Pattern PASSED_STEP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}/[0-9]{1,4}");

    private final Path dir;
    private final ShareQuota quota;
    private final ObjectMapper json = RunJson.mapper();
    private final SecureRandom random = new SecureRandom();

    /**
     * At most {@code maxShares} shares; each deleted {@code maxAgeMillis} after it was written (0: kept for ever); no
     * new share when the directory's file system would have less than {@code minFreeBytes} free.
     */
    public record Limits(int maxShares, long maxAgeMillis, long minFreeBytes) {
        public static final Limits NONE = new Limits(Integer.MAX_VALUE, 0, 0);
    }

    /** A share that cannot be stored now (too many, or too little disk); the message says why. */
    public static final class StoreFullException extends Exception {
        StoreFullException(String message) {
            super(message);
        }
    }

    /** A share that existed and is past its age: it is deleted now; the message says so. */
    public static final class ExpiredShareException extends Exception {
        ExpiredShareException(String message) {
            super(message);
        }
    }

    /**
     * A share as stored and served: the C source, the template and parameters it came from, the lesson step the
     * learner was on ({"id","step"}) and the lesson checks they passed (["id/step", …]); all but source may be null.
     */
    public record Share(String source, String template, JsonNode params, JsonNode lesson, JsonNode progress,
            String created) {

        /** The stored and served form. */
        public ObjectNode toJson(ObjectMapper json) {
            ObjectNode node = json.createObjectNode();
            node.put("source", source);
            node.put("template", template);
            node.set("params", params);
            node.set("lesson", lesson);
            node.set("progress", progress);
            node.put("created", created);
            return node;
        }

        static Share fromJson(JsonNode node) {
            return new Share(node.path("source").asText(""),
                    node.hasNonNull("template") ? node.get("template").asText() : null,
                    nullIfAbsent(node.get("params")), nullIfAbsent(node.get("lesson")), nullIfAbsent(node.get("progress")),
                    node.hasNonNull("created") ? node.get("created").asText() : null);
        }

        private static JsonNode nullIfAbsent(JsonNode node) {
            return node == null || node.isNull() ? null : node;
        }
    }

    /** Input a learner can fix: the message says what is wrong. */
    public static final class InvalidShareException extends Exception {
        public InvalidShareException(String message) {
            super(message);
        }
    }

    /** A store with no limits. */
    public ShareStore(Path dir) {
        this(dir, Limits.NONE, System::currentTimeMillis);
    }

    /** A store of at most {@code limits}; {@code clock} (epoch ms) says how old a share is. */
    public ShareStore(Path dir, Limits limits, LongSupplier clock) {
        this.dir = dir;
        this.quota = new ShareQuota(dir, limits, clock);
    }

    public Path directory() {
        return dir;
    }

    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** Checks a share request ({"source","template","params"}) and returns it as a Share. */
    public static Share validate(JsonNode request) throws InvalidShareException {
        if (request == null || !request.isObject()) {
            throw new InvalidShareException("Send a JSON object: {\"source\": \"<C text>\", \"template\": <id or null>, \"params\": {…}}.");
        }
        JsonNode source = request.get("source");
        if (source == null || !source.isTextual()) {
            throw new InvalidShareException("\"source\" (the program's C text) is missing or not a string.");
        }
        if (source.asText().length() > MAX_SOURCE_CHARS) {
            throw new InvalidShareException("\"source\" is " + source.asText().length() + " characters; a share holds at most "
                    + MAX_SOURCE_CHARS + ".");
        }
        JsonNode template = request.get("template");
        String templateId = null;
        if (template != null && !template.isNull()) {
            if (!template.isTextual() || !TEMPLATE_ID.matcher(template.asText()).matches()) {
                throw new InvalidShareException("\"template\" must be a template id (letters, digits, '.', '_', '-') or null.");
            }
            templateId = template.asText();
        }
        JsonNode params = request.get("params");
        if (params != null && !params.isNull()) {
            if (!params.isObject()) {
                throw new InvalidShareException("\"params\" must be an object of parameter names to values, or null.");
            }
            if (params.size() > MAX_PARAMS) {
                throw new InvalidShareException("\"params\" has " + params.size() + " entries; at most " + MAX_PARAMS + " are kept.");
            }
            for (Map.Entry<String, JsonNode> field : params.properties()) {
                JsonNode value = field.getValue();
                if (!value.isValueNode()) {
                    throw new InvalidShareException("Parameter \"" + field.getKey() + "\" must be a string, number, boolean or null.");
                }
                if (field.getKey().length() > 100 || value.asText().length() > MAX_PARAM_CHARS) {
                    throw new InvalidShareException("Parameter \"" + field.getKey() + "\" is too long.");
                }
            }
        } else {
            params = null;
        }
        return new Share(source.asText(), templateId, params, lessonStep(request.get("lesson")),
                progress(request.get("progress")), null);
    }

    private static JsonNode lessonStep(JsonNode lesson) throws InvalidShareException {
        if (lesson == null || lesson.isNull()) {
            return null;
        }
        JsonNode id = lesson.path("id");
        JsonNode step = lesson.path("step");
        if (!lesson.isObject() || lesson.size() != 2 || !id.isTextual() || !TEMPLATE_ID.matcher(id.asText()).matches()
                || !step.isIntegralNumber() || step.asLong() < 0 || step.asLong() > MAX_STEP) {
            throw new InvalidShareException("\"lesson\" must be {\"id\": \"<lesson id>\", \"step\": <number from 0>} or null.");
        }
        return lesson;
    }

    private static JsonNode progress(JsonNode progress) throws InvalidShareException {
        if (progress == null || progress.isNull()) {
            return null;
        }
        if (!progress.isArray() || progress.size() > MAX_PROGRESS) {
            throw new InvalidShareException("\"progress\" must be a list of at most " + MAX_PROGRESS
                    + " passed steps like \"02-watch-syscalls/1\", or null.");
        }
        for (JsonNode passed : progress) {
            if (!passed.isTextual() || !PASSED_STEP.matcher(passed.asText()).matches()) {
                throw new InvalidShareException("\"progress\" entries look like \"<lesson id>/<step>\"; "
                        + passed + " does not.");
            }
        }
        return progress;
    }

    /** Stores a share and returns its new id; {@link StoreFullException} when a limit leaves no room for it. */
    public String save(Share share) throws IOException, StoreFullException {
        Files.createDirectories(dir);
        ObjectNode node = share.toJson(json).put("created", Instant.now().toString());
        byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
        try {
            quota.admit(bytes.length);
        } catch (ShareQuota.Refusal e) {
            throw new StoreFullException(e.getMessage());
        }
        try {
            while (true) {
                String id = newId();
                Path target = dir.resolve(id + ".json");
                if (Files.exists(target)) {
                    continue; // 2^-128 odds, but never overwrite someone's share
                }
                AtomicFile.write(target, bytes);
                return id;
            }
        } catch (IOException | RuntimeException e) {
            quota.release();
            throw e;
        }
    }

    /**
     * The share with this id; empty if there is none (or the id is not one). A share past its age is deleted and
     * answered with {@link ExpiredShareException}.
     */
    public Optional<Share> find(String id) throws IOException, ExpiredShareException {
        if (!isValidId(id)) {
            return Optional.empty();
        }
        Path file = dir.resolve(id + ".json");
        try {
            if (quota.expired(file)) {
                quota.delete(file);
                throw new ExpiredShareException("This share link expired: shares are kept for " + quota.age()
                        + " after they are made, and this one is older. It has been deleted.");
            }
            return Optional.of(Share.fromJson(json.readTree(Files.readAllBytes(file))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Deletes every share past its age; returns how many. */
    public int deleteExpired() {
        return quota.sweep();
    }

    /** How long a share is kept, for messages ("90 days"); empty when shares never expire. */
    public Optional<String> keptFor() {
        return quota.expires() ? Optional.of(quota.age()) : Optional.empty();
    }

    private String newId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
