package dev.bpflab.rooms;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What an instructor or a student's page asks a room for, checked and turned into room state. Untrusted JSON in;
 * every refusal is a {@link RoomException} (400) that says what to send instead. No locks, no I/O.
 */
final class RoomRequests {
    static final int MAX_BROADCAST_CHARS = 500;
    static final int MAX_PARAMS_CHARS = 16 * 1024;

    /** Where a student's page says they are; either may be null (no lesson open, or no step). */
    record Progress(String lesson, Integer step) {
    }

    private RoomRequests() {
    }

    /**
     * A push of a lesson step ({"lesson":"…","step":N}) or of a template ({"template":"…","params":{…}}), made at
     * {@code now}. Whether the lesson or template exists is the caller's to check.
     */
    static Room.Push push(JsonNode request, long now) throws RoomException {
        if (request == null || !request.isObject()) {
            throw new RoomException(400,
                    "Send {\"lesson\":\"<id>\",\"step\":N} or {\"template\":\"<id>\",\"params\":{…}}.");
        }
        boolean lesson = request.hasNonNull("lesson");
        boolean template = request.hasNonNull("template");
        if (lesson == template) {
            throw new RoomException(400, "Push either a lesson step ({\"lesson\":\"<id>\",\"step\":N}) or a template "
                    + "({\"template\":\"<id>\",\"params\":{…}}), not " + (lesson ? "both." : "neither."));
        }
        if (lesson) {
            String id = idOrNull(request.get("lesson"));
            if (id == null) {
                throw new RoomException(400, "\"lesson\" must be a lesson id (letters, digits, '.', '_', '-').");
            }
            Integer step = stepOrNull(request.path("step"));
            if (step == null && request.hasNonNull("step")) {
                throw new RoomException(400, "\"step\" must be a whole number from 0 to 9999.");
            }
            return new Room.Push(Secrets.studentId(), "lesson", id, step, null, null, now);
        }
        String id = idOrNull(request.get("template"));
        if (id == null) {
            throw new RoomException(400, "\"template\" must be a template id (letters, digits, '.', '_', '-').");
        }
        JsonNode params = request.get("params");
        if (params != null && !params.isNull() && !params.isObject()) {
            throw new RoomException(400, "\"params\" must be an object of parameter names to values.");
        }
        if (params != null && params.toString().length() > MAX_PARAMS_CHARS) {
            throw new RoomException(400, "\"params\" is too large (16 KiB at most).");
        }
        return new Room.Push(Secrets.studentId(), "template", null, null, id,
                params == null || params.isNull() ? null : params, now);
    }

    /** A broadcast of {@code requestedText}: 1 to {@link #MAX_BROADCAST_CHARS} characters; newlines and tabs kept. */
    static Room.Broadcast broadcast(String requestedText, long now) throws RoomException {
        String text = requestedText == null ? "" : requestedText.strip();
        if (text.isEmpty()) {
            throw new RoomException(400, "Send {\"text\":\"<message>\"}: the text is empty.");
        }
        if (text.codePointCount(0, text.length()) > MAX_BROADCAST_CHARS) {
            throw new RoomException(400, "A broadcast holds at most " + MAX_BROADCAST_CHARS + " characters.");
        }
        text = text.replaceAll("[\\p{Cntrl}&&[^\n\t]]", "");
        return new Room.Broadcast(Secrets.studentId(), text, now);
    }

    /** A student page's {"type":"progress","lesson":"…","step":N}; a missing or null field means "none". */
    static Progress progress(JsonNode message) throws RoomException {
        JsonNode lessonNode = message.path("lesson");
        String lesson = idOrNull(lessonNode);
        if (lesson == null && !lessonNode.isMissingNode() && !lessonNode.isNull()) {
            throw new RoomException(400, "\"lesson\" must be a lesson id (letters, digits, '.', '_', '-').");
        }
        JsonNode stepNode = message.path("step");
        Integer step = stepOrNull(stepNode);
        if (step == null && !stepNode.isMissingNode() && !stepNode.isNull()) {
            throw new RoomException(400, "\"step\" must be a whole number from 0 to 9999.");
        }
        return new Progress(lesson, step);
    }

    private static String idOrNull(JsonNode node) {
        return node != null && node.isTextual() && RoomText.isId(node.asText()) ? node.asText() : null;
    }

    /** A step: a whole number (or its digits as text) from 0 to 9999; anything else is null. */
    private static Integer stepOrNull(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.canConvertToInt() && node.isIntegralNumber() && node.asInt() >= 0 && node.asInt() < 10_000) {
            return node.asInt();
        }
        if (node.isTextual() && node.asText().matches("\\d{1,4}")) {
            return Integer.parseInt(node.asText());
        }
        return null;
    }
}
