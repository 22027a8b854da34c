package dev.bpflab.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Whoever shows rooms live (dashboards, student channels): {@link RoomChannels}. Called with no lock held; must not
 * block. Each method does nothing unless overridden.
 */
public interface RoomListener {
    /** Listens to nothing: a room with nobody showing it. */
    RoomListener NOBODY = new RoomListener() {
    };

    default void studentChanged(Room room, String studentId) {
    }

    /** A push or a broadcast for the room's students (and its dashboards). */
    default void announce(Room room, ObjectNode message) {
    }

    default void closed(Room room) {
    }

    /** The instructor removed {@code student}: their pages are told and closed, dashboards drop the row. */
    default void removed(Room room, Student student) {
    }

    /** {@code student} left from their page: their other pages are told and closed, dashboards show the row as left. */
    default void left(Room room, Student student) {
    }

    /** A message for the room's dashboards only. */
    default void toDashboards(Room room, ObjectNode message) {
    }
}
