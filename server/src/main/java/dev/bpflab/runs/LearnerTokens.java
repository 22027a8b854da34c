package dev.bpflab.runs;

/**
 * Which learner tokens ({@code /ws/run?learner=…}) belong to a student of an open room. A run socket with a token
 * that belongs to nobody is refused when it opens: a token is what puts a run on an instructor's dashboard and gives
 * it a learner's budget, so one made up, or one whose student left or was removed, or whose room closed, must not.
 * The rooms answer it ({@code dev.bpflab.rooms.RoomLearnerTokens}); the runs only ask.
 */
public interface LearnerTokens {
    /** True when {@code token} is a student's of an open room now. Cheap and non-blocking: asked on the event loop. */
    boolean isMember(String token);

    /**
     * The CDI event the rooms fire when memberships end (a student left or was removed, a room closed or expired):
     * the open run sockets with a learner token are checked again, and those whose token ended are closed.
     */
    record Ended() {
    }
}
