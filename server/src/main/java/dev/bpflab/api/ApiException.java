package dev.bpflab.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A REST call that cannot be answered as asked: an HTTP status, a message for the person who made it, and any
 * headers the status calls for (Retry-After, WWW-Authenticate). Resources throw it; {@link ApiErrorMapper} turns it
 * into {@code {"message": …}}. It carries no stack trace: it is an answer, not a fault.
 */
public final class ApiException extends RuntimeException {
    private static final int MAX_ECHO = 120;

    private final int status;
    private final Map<String, String> headers;

    private ApiException(int status, String message, Map<String, String> headers) {
        super(message, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an error status is 4xx or 5xx, not " + status);
        }
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    /** {@code status} 400–599; {@code message} is shown to the user as it is. */
    public ApiException(int status, String message) {
        this(status, message, Map.of());
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    /** 400 for a request body Jackson could not parse, with the first line of what it said. */
    public static ApiException notJson(JsonProcessingException e) {
        String said = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage().lines().findFirst().orElse("");
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr();
        return badRequest("The body is not valid JSON" + where + " (the parser says: " + echo(said)
                + "); send one JSON object, with every string quoted and every brace closed.");
    }

    /** Untrusted text (a path, an id, a parser's account of the input) cut to at most 120 characters for a message. */
    public static String echo(String untrusted) {
        String flat = untrusted.replaceAll("\\p{Cntrl}", " ");
        return flat.length() <= MAX_ECHO ? flat : flat.substring(0, MAX_ECHO) + "…";
    }

    /** The same error with one more response header. */
    public ApiException withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiException(status, getMessage(), more);
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
