package dev.bpflab.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bpflab.protocol.RunPhase;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Who is in a room and who is there: the instructor locks joining and removes students; students leave; pages and
 * dashboards open and close; instructor calls count as use. Part of {@link Rooms} (which makes it and shares its index, saving and
 * listener), so it follows the same locking: the room's monitor for its state, listeners called with no lock held.
 */
public final class RoomAttendance {
    private final RoomIndex index;
    private final RoomSaver saver;
    private final LongSupplier clock;
    private final Supplier<RoomListener> listener;

    RoomAttendance(RoomIndex index, RoomSaver saver, LongSupplier clock, Supplier<RoomListener> listener) {
        this.index = index;
        this.saver = saver;
        this.clock = clock;
        this.listener = listener;
    }

    /**
     * Locks ({@code true}) or unlocks the room: a locked room refuses new students (403), those in it stay. Returns
     * the message its dashboards get, {"type":"locked","locked","at"}.
     */
    public ObjectNode lock(Room room, boolean locked) {
        long now = clock.getAsLong();
        synchronized (room) {
            room.locked = locked;
            room.lastSeen = now;
        }
        saver.changed(room);
        ObjectNode message = RoomViews.locked(locked, now);
        listener.get().toDashboards(room, message);
        return message;
    }

    /**
     * Removes a student from the room: their learner token stops working, their open pages are told why and closed,
     * and their row leaves the dashboards and the CSV export. They may join again with the code (as a new student)
     * unless the room is locked. Returns the removed student; 404 if the room has no such student.
     */
    public Student remove(Room room, String studentId) throws RoomException {
        Student student;
        synchronized (room) {
            student = studentId == null ? null : room.students.remove(studentId);
            room.lastSeen = clock.getAsLong();
        }
        if (student == null) {
            throw new RoomException(404, "No student with id '" + RoomText.clean(studentId, 20) + "' in this room.");
        }
        index.forget(student);
        saver.changed(room);
        listener.get().removed(room, student);
        return student;
    }

    /**
     * The student leaves the room from their page: their learner token stops working, their other open pages are told
     * and closed, and their row stays on the dashboards and in the CSV export marked as left ({@code leftAt}), with
     * the runs and checks they made. They may join again with the code (as a new student) unless the room is locked.
     * Returns the student; 403 when {@code m} is no longer in the room (left already, removed, or the room closed).
     */
    public Student leave(Rooms.Membership m) throws RoomException {
        Room room = m.room();
        Student student = m.student();
        long now = clock.getAsLong();
        synchronized (room) {
            if (!isMember(m)) {
                throw notMember();
            }
            student.leftAt = now;
            student.lastActivity = now;
            // Their run sockets close with the membership (RunSocket), and the run's last phase would then reach
            // nobody: a token that left is no member, so its activity is no longer the room's. Said here instead.
            if (student.phase != null && RunPhase.fromWire(student.phase).map(RunPhase::isLive).orElse(false)) {
                student.phase = RunPhase.STOPPED.wire();
                student.phaseAt = now;
            }
        }
        index.forget(student);
        saver.changed(room);
        listener.get().left(room, student);
        return student;
    }

    /** Whether {@code m} is still a student of its open room: false once they left or were removed, or it closed. */
    public boolean isMember(Rooms.Membership m) {
        synchronized (m.room()) {
            return m.room().students.get(m.student().id) == m.student() && !m.student().hasLeft()
                    && index.isOpen(m.room());
        }
    }

    /** 403 unless {@code m} is still a student of its open room. */
    void requireMember(Rooms.Membership m) throws RoomException {
        if (!isMember(m)) {
            throw notMember();
        }
    }

    private static RoomException notMember() {
        return new RoomException(403, "You are no longer in this room (you left it, the instructor removed you, or "
                + "closed it). Join again with the room's code.");
    }

    public void channelOpened(Rooms.Membership m) {
        channels(m, +1);
    }

    public void channelClosed(Rooms.Membership m) {
        channels(m, -1);
    }

    public void dashboardOpened(Room room) {
        dashboards(room, +1);
    }

    public void dashboardClosed(Room room) {
        dashboards(room, -1);
    }

    /** The room was used now (an instructor call) without anything students see changing. */
    void seen(Room room) {
        synchronized (room) {
            room.lastSeen = Math.max(room.lastSeen, clock.getAsLong());
        }
        saver.changed(room);
    }

    /** Whether a student is online is not saved (only the dashboards hear of it); that the room was used is. */
    private void channels(Rooms.Membership m, int delta) {
        synchronized (m.room()) {
            m.student().channels = Math.max(0, m.student().channels + delta);
            m.room().lastSeen = clock.getAsLong();
        }
        saver.changed(m.room());
        listener.get().studentChanged(m.room(), m.student().id);
    }

    private void dashboards(Room room, int delta) {
        synchronized (room) {
            room.dashboards = Math.max(0, room.dashboards + delta);
            room.lastSeen = clock.getAsLong();
        }
        saver.changed(room);
    }
}
