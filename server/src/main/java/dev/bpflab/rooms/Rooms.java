package dev.bpflab.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bpflab.runs.RunActivity;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Every room of this server: creating, joining and closing them, who holds which secret, limits and expiry, and the
 * changes students and instructors make. A student's status follows their runs through {@link StudentStatus}; what
 * dashboards and students are shown is {@link RoomViews}; saving is {@link RoomSaver}; the lookups are
 * {@link RoomIndex}; locking joining, removing students and who has a room open is {@link RoomAttendance}. Plain Java
 * (the CDI wiring is {@link RoomsProducer}) so that tests can build one on a directory, drop it and build another from
 * the same directory.
 *
 * <p>Locking: each room's state is guarded by the room's monitor; the lookup maps are concurrent. Listeners
 * ({@link RoomListener}) are called with no lock held. Changes are saved after {@code persistDelayMillis}, batched (a burst of changes is one write per
 * room).
 */
public final class Rooms implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Rooms.class);
    static final int MAX_TITLE_CHARS = 100;

    /**
     * Limits and timing, from configuration. A room nobody used for {@code expireAfterMillis} is deleted (0: never);
     * one client address holds at most {@code maxRoomsPerAddress} open rooms.
     */
    public record Settings(int maxRooms, int maxStudentsPerRoom, long persistDelayMillis, long expireAfterMillis,
            int maxRoomsPerAddress) {
        /** No cap per address. */
        public Settings(int maxRooms, int maxStudentsPerRoom, long persistDelayMillis, long expireAfterMillis) {
            this(maxRooms, maxStudentsPerRoom, persistDelayMillis, expireAfterMillis, Integer.MAX_VALUE);
        }
    }

    /** A new room and the instructor's secret, which exists nowhere else once this is returned. */
    public record Created(Room room, String secret) {
    }

    /** A new student and their learner token, which exists nowhere else once this is returned. */
    public record Joined(Room room, Student student, String token) {
    }

    /** A learner token's owner. */
    public record Membership(Room room, Student student) {
    }

    private final Settings settings;
    private final LongSupplier clock;
    private final RoomSaver saver;
    private final RoomIndex index = new RoomIndex();
    private final RoomAttendance attendance;
    private volatile RoomListener listener = RoomListener.NOBODY;

    /** Loads the rooms saved in {@code store}. {@code saver} runs the delayed writes. */
    public Rooms(RoomStore store, Settings settings, ScheduledExecutorService saver, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
        this.saver = new RoomSaver(store, saver, settings.persistDelayMillis(), index::byId);
        this.attendance = new RoomAttendance(index, this.saver, clock, () -> listener);
        store.loadAll().forEach(index::add);
        if (index.size() > 0) {
            LOG.infof("%d room(s) loaded from %s", index.size(), store.directory());
        }
        expireIdle();
    }

    /**
     * Deletes the rooms nobody used (no join, run, report, announcement or instructor call, no socket opened or
     * closed) for the configured time, files and all. A room with a dashboard or a student page open is in use.
     */
    public void expireIdle() {
        if (settings.expireAfterMillis() <= 0) {
            return;
        }
        long now = clock.getAsLong();
        for (Room room : index.all()) {
            long last;
            boolean inUse;
            synchronized (room) {
                last = room.lastUsed();
                inUse = room.inUse();
            }
            if (!inUse && now - last > settings.expireAfterMillis()) {
                LOG.infof("room %s (%s) was idle since %s: deleted", room.id, room.title, Instant.ofEpochMilli(last));
                delete(room);
            }
        }
    }

    public void setListener(RoomListener listener) {
        this.listener = listener == null ? RoomListener.NOBODY : listener;
    }

    /** Locking joining, removing students, and who has the room open. */
    public RoomAttendance attendance() {
        return attendance;
    }

    public int size() {
        return index.size();
    }

    // ---- rooms and membership ----

    /** A new room, counted for no address: see {@link #create(String, String)}. */
    public Created create(String requestedTitle) throws RoomException {
        return create(requestedTitle, null);
    }

    /**
     * A new room titled {@code requestedTitle} (cleaned; "bpflab room" if empty), created by the client at
     * {@code address} (null: counted for nobody). 503 when the server is full; 429 when that address already holds
     * {@code maxRoomsPerAddress} open rooms.
     */
    public Created create(String requestedTitle, String address) throws RoomException {
        String title = RoomText.clean(requestedTitle, MAX_TITLE_CHARS);
        if (title.isEmpty()) {
            title = "bpflab room";
        }
        String secret = Secrets.secret();
        Room room;
        synchronized (index) {
            if (index.size() >= settings.maxRooms()) {
                throw new RoomException(503, "This server already holds " + index.size()
                        + " rooms (bpflab.rooms.max-rooms); close a room (DELETE /api/rooms/{id}) or raise the limit.");
            }
            long mine = address == null ? 0 : index.createdBy(address);
            if (mine >= settings.maxRoomsPerAddress()) {
                throw new RoomException(429, "Your address already has " + mine + " open rooms, the most one address "
                        + "may hold (bpflab.limits.rooms-per-address). Close one you no longer need (Close room on its "
                        + "dashboard)" + (settings.expireAfterMillis() > 0 ? "; a room nobody uses for "
                                + RoomText.duration(settings.expireAfterMillis()) + " closes by itself." : "."));
            }
            room = new Room(Secrets.roomId(), title, index.freeCode(), Secrets.digest(secret), clock.getAsLong());
            room.creator = address;
            index.add(room);
        }
        saver.changed(room);
        return new Created(room, secret);
    }

    /**
     * A new student of the room with join code {@code code}. No code, or a name {@link JoinName} refuses: 400; no such
     * room: 404; locked: 403; full: 409.
     */
    public Joined join(String code, String requestedName) throws RoomException {
        String name = JoinName.check(requestedName);
        String normalized = Secrets.normalizeCode(code);
        if (normalized.isEmpty()) {
            throw new RoomException(400, "Give the room's join code (\"code\"), e.g. \"K7QX2M\".");
        }
        Room room = index.byCode(normalized);
        if (room == null) {
            throw new RoomException(404, "No room has the join code '" + RoomText.clean(code, 20)
                    + "'. Check it with your instructor (codes use A–Z and 2–9, no O, I, L, 0 or 1).");
        }
        String token = Secrets.secret();
        Student student;
        synchronized (room) {
            if (room.locked) {
                throw new RoomException(403, "The room '" + room.title + "' is locked: its instructor is not letting "
                        + "anyone new join right now. Ask them to unlock it.");
            }
            if (room.students.size() >= settings.maxStudentsPerRoom()) {
                throw new RoomException(409, "This room is full (" + room.students.size()
                        + " students, counting those who left; the instructor can remove their rows).");
            }
            String id;
            do {
                id = Secrets.studentId();
            } while (room.students.containsKey(id));
            student = new Student(id, Secrets.digest(token), name, clock.getAsLong());
            if (room.lastPush != null) {
                StudentStatus.pushed(student, room.lastPush); // the welcome brings it; pending until the page takes it
            }
            room.students.put(id, student);
        }
        index.addStudent(room, student);
        studentChanged(room, student);
        return new Joined(room, student, token);
    }

    /**
     * The room, if {@code secret} is its instructor secret. No secret: 401; no such room: 404; another secret: 403.
     */
    public Room instructorRoom(String roomId, String secret) throws RoomException {
        if (secret == null || secret.isEmpty()) {
            throw new RoomException(401, "This needs the room's instructor secret (Authorization: Bearer <secret>, or ?secret=).");
        }
        Room room = index.byId(roomId);
        if (room == null) {
            throw new RoomException(404, "No room with id '" + RoomText.clean(roomId, 40) + "'.");
        }
        if (!Secrets.matches(secret, room.secretDigest)) {
            throw new RoomException(403, "That is not this room's instructor secret.");
        }
        attendance.seen(room);
        return room;
    }

    /** The student holding this learner token, if any. */
    public Optional<Membership> member(String token) {
        return index.member(token);
    }

    /** Closes the room: its secret, join code and learner tokens stop working and its file is removed. */
    public void delete(Room room) {
        index.remove(room);
        saver.deleted(room);
        listener.closed(room);
    }

    // ---- what students do ----

    /**
     * A run of a learner changed: published by /ws/run. Called on the run's own threads, so it only updates memory
     * and never throws.
     */
    public void onActivity(RunActivity activity) {
        try {
            if (activity.learner() == null) {
                return;
            }
            Optional<Membership> member = member(activity.learner());
            if (member.isEmpty()) {
                return;
            }
            Room room = member.get().room();
            Student student = member.get().student();
            boolean changed;
            synchronized (room) {
                changed = StudentStatus.apply(student, activity, clock.getAsLong());
            }
            if (changed) {
                studentChanged(room, student);
            }
        } catch (RuntimeException e) {
            LOG.debugf(e, "could not apply a run activity to a room");
        }
    }

    /**
     * A student's page says where they are ({@link RoomRequests#progress}); whether the lesson and step exist is the
     * caller's to check ({@link RoomCatalogs#requireLessonStep}). 403 once the student was removed.
     */
    void progress(Membership m, RoomRequests.Progress progress) throws RoomException {
        attendance.requireMember(m);
        Room room = m.room();
        synchronized (room) {
            m.student().lesson = progress.lesson();
            m.student().step = progress.step();
            m.student().lastActivity = clock.getAsLong();
            StudentStatus.progressed(m.student(), room.lastPush, progress.lesson(), progress.step());
        }
        studentChanged(room, m.student());
    }

    /**
     * A student's page says it applied a push: {"type":"taken","push":"<push id>"}. A push other than the student's
     * pending one changes nothing; 400 without a push id.
     */
    public void pushTaken(Membership m, JsonNode message) throws RoomException {
        JsonNode id = message.path("push");
        if (!id.isTextual() || !Secrets.isId(id.asText())) {
            throw new RoomException(400, "\"push\" must be the id of the push the page applied.");
        }
        attendance.requireMember(m);
        boolean changed;
        synchronized (m.room()) {
            changed = StudentStatus.taken(m.student(), id.asText());
        }
        if (changed) {
            studentChanged(m.room(), m.student());
        }
    }

    /**
     * What is in a student's editor now (the page reports it, debounced), for the instructor's read-only view. 403 once
     * the student was removed.
     */
    public void editorSource(Membership m, String source) throws RoomException {
        attendance.requireMember(m);
        Room room = m.room();
        synchronized (room) {
            StudentStatus.setSource(m.student(), source == null ? "" : source, "editor", clock.getAsLong());
        }
        studentChanged(room, m.student());
    }

    // ---- what the instructor does ----

    /**
     * Pushes a lesson step ({"lesson":"…","step":N}) or a template ({"template":"…","params":{…}}) to everyone.
     * Whether the lesson or template exists is the caller's to check. Returns the message sent; 400 for a bad request.
     */
    public ObjectNode push(Room room, JsonNode request) throws RoomException {
        Room.Push push = RoomRequests.push(request, clock.getAsLong());
        List<String> students;
        synchronized (room) {
            room.lastPush = push;
            room.students.values().forEach(s -> StudentStatus.pushed(s, push));
            students = List.copyOf(room.students.keySet());
        }
        students.forEach(id -> listener.studentChanged(room, id)); // each row shows the push pending
        return announce(room, RoomViews.push(push));
    }

    /** Sends {@code text} to every student and keeps it for late joiners. Returns the message sent; 400 if bad. */
    public ObjectNode broadcast(Room room, String text) throws RoomException {
        Room.Broadcast broadcast = RoomRequests.broadcast(text, clock.getAsLong());
        synchronized (room) {
            room.addBroadcast(broadcast);
        }
        return announce(room, RoomViews.broadcast(broadcast));
    }

    // ---- saving ----

    /** Writes every room changed since the last write, now. */
    public void flush() {
        saver.flush();
    }

    @Override
    public void close() {
        flush();
    }

    private void studentChanged(Room room, Student student) {
        saver.changed(room);
        listener.studentChanged(room, student.id);
    }

    private ObjectNode announce(Room room, ObjectNode message) {
        saver.changed(room);
        listener.announce(room, message);
        return message;
    }
}
