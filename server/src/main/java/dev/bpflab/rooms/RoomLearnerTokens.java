package dev.bpflab.rooms;

import dev.bpflab.runs.LearnerTokens;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** The rooms' answer to {@link LearnerTokens}: a token is a member's while {@link Rooms#member} finds its student. */
@Singleton
public class RoomLearnerTokens implements LearnerTokens {
    @Inject
    Rooms rooms;

    @Override
    public boolean isMember(String token) {
        return rooms.member(token).isPresent();
    }
}
