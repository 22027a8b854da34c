package dev.bpflab.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bpflab.protocol.Diagnostic;
import dev.bpflab.protocol.RunPhase;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.runs.RunActivity;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Every room of this server: creating and joining them, who holds which secret, and each student's live status as
 * their runs report it ({@link RunActivity}). Plain Java (the CDI wiring is {@link RoomsProducer}) so that tests can
 * build one on a directory, drop it and build another from the same directory.
 *
 * <p>Locking: each room's state is guarded by the room's monitor; the lookup maps are concurrent. Listeners are called
 * with no lock held. Changes are saved to disk after {@code persistDelayMillis}, batched (a burst of changes is one
 * write per room).
 */
public final class Rooms implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Rooms.class);
    static final int MAX_TITLE_CHARS = 100;
    static final int MAX_NAME_CHARS = 40;
    static final int MAX_BROADCAST_CHARS = 500;
    static final int MAX_SOURCE_CHARS = 64 * 1024;
    static final int MAX_MESSAGE_CHARS = 300;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
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

    /** Whoever shows rooms live (dashboards, student channels). Called with no lock held; must not block. */
    public interface Listener {
        void studentChanged(Room room, String studentId);

        /** A push or a broadcast for the room's students (and its dashboards). */
        void announce(Room room, ObjectNode message);

        void closed(Room room);
    }

    /** A request that cannot be served; {@code status} is the HTTP status to answer with. */
    public static final class RoomException extends Exception {
        final int status;

        RoomException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private static final Listener NOBODY = new Listener() {
        @Override
        public void studentChanged(Room room, String studentId) {
        }

        @Override
        public void announce(Room room, ObjectNode message) {
        }

        @Override
        public void closed(Room room) {
        }
    };

    private final ObjectMapper json = new ObjectMapper();
    private final RoomStore store;
    private final Settings settings;
    private final ScheduledExecutorService saver;
    private final LongSupplier clock;
    private final Map<String, Room> byId = new ConcurrentHashMap<>();
    private final Map<String, Room> byCode = new ConcurrentHashMap<>();
    private final Map<String, Membership> byTokenDigest = new ConcurrentHashMap<>();
    private final Set<String> unsaved = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean saveScheduled = new AtomicBoolean();
    private final Object diskLock = new Object();
    private volatile Listener listener = NOBODY;

    /** Loads the rooms saved in {@code store}. {@code saver} runs the delayed writes. */
    public Rooms(RoomStore store, Settings settings, ScheduledExecutorService saver, LongSupplier clock) {
        this.store = store;
        this.settings = settings;
        this.saver = saver;
        this.clock = clock;
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
                last = room.created;
                for (Student s : room.students.values()) {
                    last = Math.max(last, Math.max(s.joinedAt, s.lastActivity));
                }
                if (room.lastPush != null) {
                    last = Math.max(last, room.lastPush.at());
                }
                for (Room.Broadcast b : room.broadcasts) {
                    last = Math.max(last, b.at());
                }
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

    public Created create(String requestedTitle) throws RoomException {
        String title = clean(requestedTitle, MAX_TITLE_CHARS);
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
        changed(room);
        return new Created(room, secret);
    }

    public Joined join(String code, String requestedName) throws RoomException {
        String name = clean(requestedName, MAX_NAME_CHARS);
        if (name.isEmpty()) {
            throw new RoomException(400, "Give a display name (\"name\"), up to " + MAX_NAME_CHARS + " characters.");
        }
        String normalized = Secrets.normalizeCode(code);
        if (normalized.isEmpty()) {
            throw new RoomException(400, "Give the room's join code (\"code\"), e.g. \"K7QX2M\".");
        }
        Room room = byCode.get(normalized);
        if (room == null) {
            throw new RoomException(404, "No room has the join code '" + clean(code, 20)
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
        changed(room);
        listener.studentChanged(room, student.id);
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
            throw new RoomException(404, "No room with id '" + clean(roomId, 40) + "'.");
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

    public void delete(Room room) {
        synchronized (byCode) {
            byId.remove(room.id);
            byCode.remove(room.joinCode);
        }
        synchronized (room) {
            room.students.values().forEach(s -> byTokenDigest.remove(s.tokenDigest));
        }
        synchronized (diskLock) {
            unsaved.remove(room.id);
            try {
                store.delete(room.id);
            } catch (IOException e) {
                LOG.errorf("could not delete room file of %s: %s", room.id, e.getMessage());
            }
        }
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
                changed = apply(student, activity, clock.getAsLong());
            }
            if (changed) {
                changed(room);
                listener.studentChanged(room, student.id);
            }
        } catch (RuntimeException e) {
            LOG.debugf(e, "could not apply a run activity to a room");
        }
    }

    private boolean apply(Student s, RunActivity a, long now) {
        String session = a.sessionId();
        boolean current = session != null && session.equals(s.activeSession);
        switch (a.kind()) {
            case RUN -> {
                s.activeSession = session;
                s.runs++;
                s.phase = "queued";
                s.phaseAt = now;
                s.queuePosition = null;
                s.events = 0;
                s.diagnostic = null;
                s.error = null;
                s.workload = null;
                if (a.source() != null) {
                    setSource(s, a.source(), "run", now);
                }
                s.lastActivity = now;
                return true;
            }
            case EVENTS -> {
                if (!current || a.eventCount() == s.events) {
                    return false;
                }
                s.events = a.eventCount();
                return true;
            }
            case CLOSED -> {
                if (!current) {
                    return false;
                }
                s.activeSession = null;
                if (s.phase != null && RunPhase.fromWire(s.phase).map(RunPhase::isLive).orElse(false)) {
                    s.phase = "stopped";
                    s.phaseAt = now;
                    s.queuePosition = null;
                    return true;
                }
                return false;
            }
            case MESSAGE -> {
                return applyMessage(s, a.message(), current, now);
            }
            default -> {
                return false;
            }
        }
    }

    private boolean applyMessage(Student s, ServerMessage m, boolean current, long now) {
        if (m == null) {
            return false;
        }
        if (m instanceof ServerMessage.CheckResult check) {
            // A template's check (no lesson) shows as the latest check but counts toward no lesson step.
            String lesson = check.lesson() != null && ID.matcher(check.lesson()).matches() ? check.lesson() : null;
            Integer step = check.step() != null && check.step() >= 0 && check.step() <= 9999 ? check.step() : null;
            s.check = new Student.Check(lesson, step, check.passed(), firstLine(check.message()), now);
            if (lesson != null) {
                s.lesson = lesson;
                s.step = step;
                String key = lesson + "/" + (step == null ? "" : step);
                if (check.passed() && !s.passed.contains(key)) {
                    s.passed.add(key);
                }
            }
            s.lastActivity = now;
            return true;
        }
        if (m instanceof ServerMessage.Error error) {
            // Errors also come before a run starts (a bad request), so they count from any connection.
            s.error = firstLine(error.message());
            s.lastActivity = now;
            return true;
        }
        if (!current) {
            return false; // a message of a connection the student has since replaced by a new Run
        }
        if (m instanceof ServerMessage.Phase phase) {
            s.phase = phase.phase().wire();
            s.phaseAt = now;
            s.queuePosition = phase.position();
            if (phase.phase() == RunPhase.ATTACHED) {
                s.failStreak = 0;
            }
        } else if (m instanceof ServerMessage.Diagnostics diagnostics) {
            List<Diagnostic> errors = diagnostics.items().stream().filter(Diagnostic::isError).toList();
            if (errors.isEmpty()) {
                return false; // warnings only: the run goes on
            }
            Diagnostic first = errors.get(0);
            s.diagnostic = new Student.Diagnostic(diagnostics.stage(), first.line() > 0 ? first.line() : null,
                    first.column() > 0 ? first.column() : null, firstLine(first.message()), errors.size());
            s.failStreak++;
        } else if (m instanceof ServerMessage.WorkloadResult workload) {
            s.workload = new Student.Workload(clean(workload.name(), 60), workload.ok(), firstLine(workload.detail()));
        } else {
            return false; // e.g. "sandbox": nothing the dashboard shows
        }
        s.lastActivity = now;
        return true;
    }

    /** A student's page says where they are: {"type":"progress","lesson":"…","step":N}. */
    public void progress(Membership m, JsonNode message) throws RoomException {
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
        Room room = m.room();
        synchronized (room) {
            m.student().lesson = lesson;
            m.student().step = step;
            m.student().lastActivity = clock.getAsLong();
        }
        changed(room);
        listener.studentChanged(room, m.student().id);
    }

    /** What is in a student's editor now (the page reports it, debounced), for the instructor's read-only view. */
    public void editorSource(Membership m, String source) {
        Room room = m.room();
        synchronized (room) {
            setSource(m.student(), source == null ? "" : source, "editor", clock.getAsLong());
        }
        changed(room);
        listener.studentChanged(room, m.student().id);
    }

    public void channelOpened(Membership m) {
        channels(m, +1);
    }

    public void channelClosed(Membership m) {
        channels(m, -1);
    }

    private void channels(Membership m, int delta) {
        synchronized (m.room()) {
            m.student().channels = Math.max(0, m.student().channels + delta);
        }
        listener.studentChanged(m.room(), m.student().id);
    }

    // ---- what the instructor does ----

    /**
     * Pushes a lesson step ({"lesson":"…","step":N}) or a template ({"template":"…","params":{…}}) to every student.
     * Whether the template exists is the caller's to check. Returns the message sent.
     */
    public ObjectNode push(Room room, JsonNode request) throws RoomException {
        if (request == null || !request.isObject()) {
            throw new RoomException(400, "Send {\"lesson\":\"<id>\",\"step\":N} or {\"template\":\"<id>\",\"params\":{…}}.");
        }
        boolean lesson = request.hasNonNull("lesson");
        boolean template = request.hasNonNull("template");
        if (lesson == template) {
            throw new RoomException(400, "Push either a lesson step ({\"lesson\":\"<id>\",\"step\":N}) or a template "
                    + "({\"template\":\"<id>\",\"params\":{…}}), not " + (lesson ? "both." : "neither."));
        }
        Room.Push push;
        long now = clock.getAsLong();
        if (lesson) {
            String id = idOrNull(request.get("lesson"));
            if (id == null) {
                throw new RoomException(400, "\"lesson\" must be a lesson id (letters, digits, '.', '_', '-').");
            }
            Integer step = stepOrNull(request.path("step"));
            if (step == null && request.hasNonNull("step")) {
                throw new RoomException(400, "\"step\" must be a whole number from 0 to 9999.");
            }
            push = new Room.Push(Secrets.studentId(), "lesson", id, step, null, null, now);
        } else {
            String id = idOrNull(request.get("template"));
            if (id == null) {
                throw new RoomException(400, "\"template\" must be a template id (letters, digits, '.', '_', '-').");
            }
            JsonNode params = request.get("params");
            if (params != null && !params.isNull() && !params.isObject()) {
                throw new RoomException(400, "\"params\" must be an object of parameter names to values.");
            }
            if (params != null && params.toString().length() > 16 * 1024) {
                throw new RoomException(400, "\"params\" is too large (16 KiB at most).");
            }
            push = new Room.Push(Secrets.studentId(), "template", null, null, id,
                    params == null || params.isNull() ? null : params, now);
        }
        synchronized (room) {
            room.lastPush = push;
        }
        changed(room);
        ObjectNode message = pushMessage(push);
        listener.announce(room, message);
        return message;
    }

    public ObjectNode broadcast(Room room, String requestedText) throws RoomException {
        String text = requestedText == null ? "" : requestedText.strip();
        if (text.isEmpty()) {
            throw new RoomException(400, "Send {\"text\":\"<message>\"}: the text is empty.");
        }
        if (text.codePointCount(0, text.length()) > MAX_BROADCAST_CHARS) {
            throw new RoomException(400, "A broadcast holds at most " + MAX_BROADCAST_CHARS + " characters.");
        }
        text = text.replaceAll("[\\p{Cntrl}&&[^\n\t]]", "");
        Room.Broadcast broadcast = new Room.Broadcast(Secrets.studentId(), text, clock.getAsLong());
        synchronized (room) {
            room.addBroadcast(broadcast);
        }
        changed(room);
        ObjectNode message = broadcastMessage(broadcast);
        listener.announce(room, message);
        return message;
    }

    /** A student's latest code, read-only: {"studentId","name","source","origin","at"}. */
    public ObjectNode source(Room room, String studentId) throws RoomException {
        synchronized (room) {
            Student s = room.students.get(studentId);
            if (s == null) {
                throw new RoomException(404, "No student with id '" + clean(studentId, 20) + "' in this room.");
            }
            ObjectNode node = json.createObjectNode().put("studentId", s.id).put("name", s.name);
            node.put("source", s.source);
            node.put("origin", s.sourceOrigin);
            if (s.source != null) {
                node.put("at", s.sourceAt);
            } else {
                node.putNull("at");
            }
            return node;
        }
    }

    // ---- views ----

    /** What a dashboard gets on connecting: the room and every student. */
    public ObjectNode snapshot(Room room) {
        ObjectNode node = json.createObjectNode().put("type", "snapshot").put("now", clock.getAsLong());
        synchronized (room) {
            node.set("room", roomInfo(room).put("joinCode", room.joinCode));
            ArrayNode students = node.putArray("students");
            room.students.values().forEach(s -> students.add(studentView(s)));
            node.set("push", room.lastPush == null ? null : pushMessage(room.lastPush));
            ArrayNode broadcasts = node.putArray("broadcasts");
            room.broadcasts.forEach(b -> broadcasts.add(broadcastMessage(b)));
        }
        return node;
    }

    /** A dashboard update: the current view of some students. */
    public ObjectNode studentsUpdate(Room room, Collection<String> studentIds) {
        ObjectNode node = json.createObjectNode().put("type", "students").put("now", clock.getAsLong());
        ArrayNode students = node.putArray("students");
        synchronized (room) {
            for (String id : studentIds) {
                Student s = room.students.get(id);
                if (s != null) {
                    students.add(studentView(s));
                }
            }
        }
        return node;
    }

    /** What a student's channel gets on connecting: who they are, the room, the last push and the recent broadcasts. */
    public ObjectNode welcome(Membership m) {
        Room room = m.room();
        ObjectNode node = json.createObjectNode().put("type", "welcome");
        synchronized (room) {
            node.set("room", roomInfo(room));
            node.put("studentId", m.student().id).put("name", m.student().name);
            node.set("push", room.lastPush == null ? null : pushMessage(room.lastPush));
            ArrayNode broadcasts = node.putArray("broadcasts");
            room.broadcasts.forEach(b -> broadcasts.add(broadcastMessage(b)));
        }
        return node;
    }

    /** The room's results, one line per student. Cells a spreadsheet would run as formulas are defused. */
    public String csv(Room room) {
        StringBuilder out = new StringBuilder();
        Csv.row(out, List.of("student_id", "name", "joined_at", "lesson", "step", "runs", "phase", "events",
                "diagnostic_stage", "diagnostic_line", "diagnostic_message", "fail_streak", "last_check_lesson",
                "last_check_step", "last_check_passed", "steps_passed", "passed_steps", "last_activity"));
        synchronized (room) {
            for (Student s : room.students.values()) {
                Student.Diagnostic d = s.diagnostic;
                Student.Check c = s.check;
                Csv.row(out, java.util.Arrays.asList(s.id, s.name, iso(s.joinedAt), s.lesson, str(s.step),
                        String.valueOf(s.runs), s.phase, String.valueOf(s.events),
                        d == null ? null : d.stage(), d == null ? null : str(d.line()), d == null ? null : d.message(),
                        String.valueOf(s.failStreak), c == null ? null : c.lesson(), c == null ? null : str(c.step()),
                        c == null ? null : String.valueOf(c.passed()), String.valueOf(s.passed.size()),
                        String.join(" ", s.passed), iso(s.lastActivity)));
            }
        }
        return out.toString();
    }

    private ObjectNode roomInfo(Room room) {
        return json.createObjectNode().put("id", room.id).put("title", room.title).put("created", room.created)
                .put("students", room.students.size());
    }

    private ObjectNode studentView(Student s) {
        ObjectNode v = json.createObjectNode();
        v.put("id", s.id).put("name", s.name).put("joinedAt", s.joinedAt).put("online", s.channels > 0);
        v.put("lesson", s.lesson);
        if (s.step == null) {
            v.putNull("step");
        } else {
            v.put("step", s.step);
        }
        v.put("phase", s.phase);
        if (s.queuePosition != null) {
            v.put("queuePosition", s.queuePosition);
        }
        v.put("phaseAt", s.phaseAt).put("runs", s.runs).put("failStreak", s.failStreak).put("events", s.events);
        v.set("diagnostic", s.diagnostic == null ? null : json.valueToTree(s.diagnostic));
        v.put("error", s.error);
        v.set("workload", s.workload == null ? null : json.valueToTree(s.workload));
        v.set("check", s.check == null ? null : json.valueToTree(s.check));
        v.put("passedSteps", s.passed.size());
        if (s.source == null) {
            v.putNull("source");
        } else {
            v.putObject("source").put("origin", s.sourceOrigin).put("at", s.sourceAt).put("chars", s.source.length());
        }
        v.put("lastActivity", s.lastActivity);
        return v;
    }

    private ObjectNode pushMessage(Room.Push push) {
        ObjectNode node = json.createObjectNode().put("type", "push").put("id", push.id()).put("kind", push.kind());
        if ("lesson".equals(push.kind())) {
            node.put("lesson", push.lesson());
            if (push.step() != null) {
                node.put("step", push.step());
            }
        } else {
            node.put("template", push.template());
            node.set("params", push.params() == null ? json.createObjectNode() : push.params());
        }
        return node.put("at", push.at());
    }

    private ObjectNode broadcastMessage(Room.Broadcast b) {
        return json.createObjectNode().put("type", "broadcast").put("id", b.id()).put("text", b.text()).put("at", b.at());
    }

    // ---- saving ----

    /** Marks the room for saving; the write happens {@code persistDelayMillis} later, once for a burst of changes. */
    private void changed(Room room) {
        unsaved.add(room.id);
        if (saveScheduled.compareAndSet(false, true)) {
            try {
                saver.schedule(this::saveUnsaved, settings.persistDelayMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                saveScheduled.set(false); // shutting down: close() saves
            }
        }
    }

    private void saveUnsaved() {
        saveScheduled.set(false);
        flush();
    }

    /** Writes every room changed since the last write, now. */
    public void flush() {
        synchronized (diskLock) {
            for (String id : List.copyOf(unsaved)) {
                unsaved.remove(id);
                Room room = byId.get(id);
                if (room == null) {
                    continue; // deleted
                }
                try {
                    byte[] bytes;
                    synchronized (room) {
                        bytes = store.serialize(room);
                    }
                    store.write(id, bytes);
                } catch (IOException e) {
                    LOG.errorf("could not save room %s under %s: %s", id, store.directory(), e.getMessage());
                    unsaved.add(id);
                }
            }
        }
    }

    @Override
    public void close() {
        flush();
    }

    // ---- helpers ----

    private static void setSource(Student s, String source, String origin, long now) {
        s.source = source.length() > MAX_SOURCE_CHARS
                ? source.substring(0, MAX_SOURCE_CHARS) + "\n/* … cut here by bpflab: the rest is longer than "
                        + MAX_SOURCE_CHARS + " characters */\n"
                : source;
        s.sourceOrigin = origin;
        s.sourceAt = now;
        s.lastActivity = now;
    }

    /** Trims, drops control characters, folds runs of whitespace and cuts to {@code max} characters. */
    static String clean(String text, int max) {
        if (text == null) {
            return "";
        }
        String cleaned = text.replaceAll("\\p{Cntrl}", " ").replaceAll("\\s+", " ").strip();
        if (cleaned.codePointCount(0, cleaned.length()) > max) {
            cleaned = cleaned.substring(0, cleaned.offsetByCodePoints(0, max)).strip();
        }
        return cleaned;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return null;
        }
        String line = text.strip();
        int nl = line.indexOf('\n');
        return clean(nl < 0 ? line : line.substring(0, nl), MAX_MESSAGE_CHARS);
    }

    private static String idOrNull(JsonNode node) {
        return node != null && node.isTextual() && ID.matcher(node.asText()).matches() ? node.asText() : null;
    }

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

    private static String str(Integer n) {
        return n == null ? null : n.toString();
    }

    private static String iso(long millis) {
        return millis == 0 ? null : Instant.ofEpochMilli(millis).toString();
    }
}
