package dev.bpflab.runs;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Something a learner's run did, published (as a CDI event) for whoever watches learners, e.g. a room's dashboard.
 * {@code learner} is the opaque token the page passed as {@code /ws/run?learner=…} (null for anonymous learners).
 *
 * @param kind    "run" (a Run was pressed; {@code source} is set), "message" (a server→client contract message;
 *                {@code message} is set; stream messages are not published one by one), "events" (how many events
 *                the run has streamed so far, at most twice a second), "closed" (the connection went away)
 */
public record RunActivity(String sessionId, String learner, String kind, String source, JsonNode message, long eventCount) {
}
