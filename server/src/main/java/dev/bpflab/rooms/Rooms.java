package dev.bpflab.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bpflab.runs.RunActivity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Every room of this server: creating, joining and closing them, who holds which secret, limits and expiry, and the
 * changes students and instructors make. A student's status follows their runs through {@link StudentStatus}; what
 * dashboards and students are shown is {@link RoomViews}; saving is {@link RoomSaver}. Plain Java (the CDI wiring is
 * {@link RoomsProducer}) so that tests can build one on a directory, drop it and build another from the same directory.
 *
 * <p>Locking: each room's state is guarded by the room's monitor; the lookup maps are concurrent. Listeners are called
 * with no lock held. Changes are saved after {@code persistDelayMillis}, batched (a burst of changes is one write per
 * room).
 */
public final class Rooms implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Rooms.class);
    static final int MAX_TITLE_CHARS = 100;
    static final int MAX_NAME_CHARS = 40;
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");

    /**
     * Limits and timing, from configuration. A room nobody used for {@code expireAfterMillis} is deleted (0: never).
     */
    public record Settings(int maxRooms, int maxStudentsPerRoom, long persistDelayMillis, long expireAfterMillis) {
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

    /**
     * Whoever shows rooms live (dashboards, student channels). Called with no lock held; must not block. Each method
     * does nothing unless overridden.
     */
    public interface Listener {
        default void studentChanged(Room room, String studentId) {
        }

        /** A push or a broadcast for the room's students (and its dashboards). */
        default void announce(Room room, ObjectNode message) {
        }

        default void closed(Room room) {
        }
    }

    private static final Listener NOBODY = new Listener() {
    };

    private final Settings settings;
    private final LongSupplier clock;
    private final RoomSaver saver;
    private final Map<String, Room> byId = new ConcurrentHashMap<>();
    private final Map<String, Room> byCode = new ConcurrentHashMap<>();
    private final Map<String, Membership> byTokenDigest = new ConcurrentHashMap<>();
    private volatile Listener listener = NOBODY;

    /** Loads the rooms saved in {@code store}. {@code saver} runs the delayed writes. */
    public Rooms(RoomStore store, Settings settings, ScheduledExecutorService saver, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
        this.saver = new RoomSaver(store, saver, settings.persistDelayMillis(), byId::get);
        for (Room room : store.loadAll()) {
            byId.put(room.id, room);
            byCode.put(room.joinCode, room);
            for (Student student : room.students.values()) {
                byTokenDigest.put(student.tokenDigest, new Membership(room, student));
            }
        }
        if (!byId.isEmpty()) {
            LOG.infof("%d room(s) loaded from %s", byId.size(), store.directory());
        }
        expireIdle();
    }

    /** Deletes the rooms nobody used (no join, run, report or announcement) for the configured time. */
    public void expireIdle() {
        if (settings.expireAfterMillis() <= 0) {
            return;
        }
        long now = clock.getAsLong();
        for (Room room : List.copyOf(byId.values())) {
            long last;
            synchronized (room) {
                last = room.lastUsed();
            }
            if (now - last > settings.expireAfterMillis()) {
                LOG.infof("room %s (%s) was idle since %s: deleted", room.id, room.title, Instant.ofEpochMilli(last));
                delete(room);
            }
        }
    }

    public void setListener(Listener listener) {
        this.listener = listener == null ? NOBODY : listener;
    }

    public int size() {
        return byId.size();
    }

    // ---- rooms and membership ----

    /** A new room titled {@code requestedTitle} (cleaned; "bpflab room" if empty). 503 when the server is full. */
    public Created create(String requestedTitle) throws RoomException {
        String title = RoomText.clean(requestedTitle, MAX_TITLE_CHARS);
        if (title.isEmpty()) {
            title = "bpflab room";
        }
        String secret = Secrets.secret();
        Room room;
        synchronized (byCode) {
            if (byId.size() >= settings.maxRooms()) {
                throw new RoomException(503, "This server already holds " + byId.size()
                        + " rooms (bpflab.rooms.max-rooms); close a room (DELETE /api/rooms/{id}) or raise the limit.");
            }
            String code;
            do {
                code = Secrets.joinCode();
            } while (byCode.containsKey(code));
            room = new Room(Secrets.roomId(), title, code, Secrets.digest(secret), clock.getAsLong());
            byCode.put(code, room);
            byId.put(room.id, room);
        }
        saver.changed(room);
        return new Created(room, secret);
    }

    /** A new student of the room with join code {@code code}. No name or code: 400; no such room: 404; full: 409. */
    public Joined join(String code, String requestedName) throws RoomException {
        String name = RoomText.clean(requestedName, MAX_NAME_CHARS);
        if (name.isEmpty()) {
            throw new RoomException(400, "Give a display name (\"name\"), up to " + MAX_NAME_CHARS + " characters.");
        }
        String normalized = Secrets.normalizeCode(code);
        if (normalized.isEmpty()) {
            throw new RoomException(400, "Give the room's join code (\"code\"), e.g. \"K7QX2M\".");
        }
        Room room = byCode.get(normalized);
        if (room == null) {
            throw new RoomException(404, "No room has the join code '" + RoomText.clean(code, 20)
                    + "'. Check it with your instructor (codes use A–Z and 2–9, no O, I, L, 0 or 1).");
        }
        String token = Secrets.secret();
        Student student;
        synchronized (room) {
            if (room.students.size() >= settings.maxStudentsPerRoom()) {
                throw new RoomException(409, "This room is full (" + room.students.size() + " students).");
            }
            String id;
            do {
                id = Secrets.studentId();
            } while (room.students.containsKey(id));
            student = new Student(id, Secrets.digest(token), name, clock.getAsLong());
            room.students.put(id, student);
        }
        byTokenDigest.put(student.tokenDigest, new Membership(room, student));
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
        Room room = roomId == null ? null : byId.get(roomId);
        if (room == null) {
            throw new RoomException(404, "No room with id '" + RoomText.clean(roomId, 40) + "'.");
        }
        if (!Secrets.matches(secret, room.secretDigest)) {
            throw new RoomException(403, "That is not this room's instructor secret.");
        }
        return room;
    }

    /** The student holding this learner token, if any. */
    public Optional<Membership> member(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        Membership m = byTokenDigest.get(Secrets.digest(token));
        return m == null || !byId.containsKey(m.room().id) ? Optional.empty() : Optional.of(m);
    }

    /** Closes the room: its secret, join code and learner tokens stop working and its file is removed. */
    public void delete(Room room) {
        synchronized (byCode) {
            byId.remove(room.id);
            byCode.remove(room.joinCode);
        }
        synchronized (room) {
            room.students.values().forEach(s -> byTokenDigest.remove(s.tokenDigest));
        }
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

    /** A student's page says where they are: {"type":"progress","lesson":"…","step":N}. 400 for a bad id or step. */
    public void progress(Membership m, JsonNode message) throws RoomException {
        RoomRequests.Progress progress = RoomRequests.progress(message);
        Room room = m.room();
        synchronized (room) {
            m.student().lesson = progress.lesson();
            m.student().step = progress.step();
            m.student().lastActivity = clock.getAsLong();
        }
        studentChanged(room, m.student());
    }

    /** What is in a student's editor now (the page reports it, debounced), for the instructor's read-only view. */
    public void editorSource(Membership m, String source) {
        Room room = m.room();
        synchronized (room) {
            StudentStatus.setSource(m.student(), source == null ? "" : source, "editor", clock.getAsLong());
        }
        studentChanged(room, m.student());
    }

    public void channelOpened(Membership m) {
        channels(m, +1);
    }

    public void channelClosed(Membership m) {
        channels(m, -1);
    }

    /** Whether a student is online is not saved: only the dashboards hear of it. */
    private void channels(Membership m, int delta) {
        synchronized (m.room()) {
            m.student().channels = Math.max(0, m.student().channels + delta);
        }
        listener.studentChanged(m.room(), m.student().id);
    }

    // ---- what the instructor does ----

    /**
     * Pushes a lesson step ({"lesson":"…","step":N}) or a template ({"template":"…","params":{…}}) to everyone.
     * Whether the lesson or template exists is the caller's to check. Returns the message sent; 400 for a bad request.
     */
    public ObjectNode push(Room room, JsonNode request) throws RoomException {
        Room.Push push = RoomRequests.push(request, clock.getAsLong());
        synchronized (room) {
            room.lastPush = push;
        }
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
