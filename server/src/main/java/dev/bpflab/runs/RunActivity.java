package dev.bpflab.runs;

import dev.bpflab.protocol.ServerMessage;

/**
 * Something a learner's run did, published (as a CDI event) for whoever watches learners, e.g. a room's dashboard.
 * {@code learner} is the opaque token the page passed as {@code /ws/run?learner=…} (null for anonymous learners).
 *
 * @param connection the {@code /ws/run} connection's number, from 1 in the order this server opened them: the page
 *                   opens one per Run press, so a higher number is a later press (what the learner's page shows)
 * @param kind    what happened; {@code source} is set for {@link Kind#RUN}, {@code message} for {@link Kind#MESSAGE}
 * @param eventCount how many events the run has streamed so far
 * @param kernel  the id of the kernel the run asked for ({@link Kind#RUN} only; null: the lab's default)
 */
public record RunActivity(long connection, String learner, Kind kind, String source, ServerMessage message,
        long eventCount, String kernel) {

    public enum Kind {
        /** Run was pressed. */
        RUN,
        /** A server → client control message (stream messages are not published one by one). */
        MESSAGE,
        /** The run's event count: at most twice a second while events flow, once more within half a second after the
         * last event, and once more when the run ends. */
        EVENTS,
        /** The connection went away. */
        CLOSED
    }

    /** Run was pressed, for the lab's default kernel. */
    public static RunActivity run(long connection, String learner, String source) {
        return run(connection, learner, source, null);
    }

    /** Run was pressed, for {@code kernel} (an id of GET /api/kernels). */
    public static RunActivity run(long connection, String learner, String source, String kernel) {
        return new RunActivity(connection, learner, Kind.RUN, source, null, 0, kernel);
    }

    public static RunActivity message(long connection, String learner, ServerMessage message, long eventCount) {
        return new RunActivity(connection, learner, Kind.MESSAGE, null, message, eventCount, null);
    }

    public static RunActivity events(long connection, String learner, long eventCount) {
        return new RunActivity(connection, learner, Kind.EVENTS, null, null, eventCount, null);
    }

    public static RunActivity closed(long connection, String learner) {
        return new RunActivity(connection, learner, Kind.CLOSED, null, null, 0, null);
    }
}
