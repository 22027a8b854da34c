package dev.bpflab.rooms;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bpflab.protocol.RunJson;
import java.util.Collection;
import java.util.function.LongSupplier;

/**
 * The JSON that dashboards and student channels get (and the REST API answers with): each view is read under the
 * room's monitor, so it is one consistent moment of the room. Times are epoch milliseconds; {@code now} is the
 * server's clock, for the dashboard's "2 min ago".
 *
 * <p>A student's row carries the size of their code, never the code itself; only {@link #source} returns it.
 */
public final class RoomViews {
    private static final ObjectMapper JSON = RunJson.mapper();

    private final LongSupplier clock;

    public RoomViews(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * What a dashboard gets on connecting: {"type":"snapshot","now","room":{id,title,created,students,joinCode,locked},
     * "students":[row…],"push":push|null,"broadcasts":[broadcast…]}.
     */
    public ObjectNode snapshot(Room room) {
        ObjectNode node = JSON.createObjectNode().put("type", "snapshot").put("now", clock.getAsLong());
        synchronized (room) {
            node.set("room", roomInfo(room).put("joinCode", room.joinCode).put("locked", room.locked));
            ArrayNode students = node.putArray("students");
            room.students.values().forEach(s -> students.add(studentRow(s)));
            node.set("push", room.lastPush == null ? null : push(room.lastPush));
            ArrayNode broadcasts = node.putArray("broadcasts");
            room.broadcasts.forEach(b -> broadcasts.add(broadcast(b)));
        }
        return node;
    }

    /** A dashboard update: {"type":"students","now","students":[row…]}, for those of {@code studentIds} still in. */
    public ObjectNode studentsUpdate(Room room, Collection<String> studentIds) {
        ObjectNode node = JSON.createObjectNode().put("type", "students").put("now", clock.getAsLong());
        ArrayNode students = node.putArray("students");
        synchronized (room) {
            for (String id : studentIds) {
                Student s = room.students.get(id);
                if (s != null) {
                    students.add(studentRow(s));
                }
            }
        }
        return node;
    }

    /**
     * What a student's channel gets on connecting: {"type":"welcome","room":{id,title,created,students},"studentId",
     * "name","push":push|null,"broadcasts":[broadcast…]}. No join code and nobody else's status.
     */
    public ObjectNode welcome(Rooms.Membership m) {
        Room room = m.room();
        ObjectNode node = JSON.createObjectNode().put("type", "welcome");
        synchronized (room) {
            node.set("room", roomInfo(room));
            node.put("studentId", m.student().id).put("name", m.student().name);
            node.set("push", room.lastPush == null ? null : push(room.lastPush));
            ArrayNode broadcasts = node.putArray("broadcasts");
            room.broadcasts.forEach(b -> broadcasts.add(broadcast(b)));
        }
        return node;
    }

    /** A student's latest code, for the instructor: {"studentId","name","source","origin","at"}; 404 if unknown. */
    public ObjectNode source(Room room, String studentId) throws RoomException {
        synchronized (room) {
            Student s = room.students.get(studentId);
            if (s == null) {
                throw new RoomException(404,
                        "No student with id '" + RoomText.clean(studentId, 20) + "' in this room.");
            }
            ObjectNode node = JSON.createObjectNode().put("studentId", s.id).put("name", s.name);
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

    /** {"type":"push","id","kind":"lesson","lesson","step"?,"at"} or {…,"kind":"template","template","params"}. */
    static ObjectNode push(Room.Push push) {
        ObjectNode node = JSON.createObjectNode().put("type", "push").put("id", push.id()).put("kind", push.kind());
        if ("lesson".equals(push.kind())) {
            node.put("lesson", push.lesson());
            if (push.step() != null) {
                node.put("step", push.step());
            }
        } else {
            node.put("template", push.template());
            node.set("params", push.params() == null ? JSON.createObjectNode() : push.params());
        }
        return node.put("at", push.at());
    }

    /** For dashboards: {"type":"locked","locked":true|false,"at"}, the room now refuses (or takes) new students. */
    static ObjectNode locked(boolean locked, long at) {
        return JSON.createObjectNode().put("type", "locked").put("locked", locked).put("at", at);
    }

    /** For dashboards: {"type":"removed","studentId","name"}, the instructor removed that student; drop the row. */
    static ObjectNode removed(Student s) {
        return JSON.createObjectNode().put("type", "removed").put("studentId", s.id).put("name", s.name);
    }

    /** For the removed student's pages: {"type":"removed","message"}, sent before the channel is closed. */
    static ObjectNode removedNotice() {
        return JSON.createObjectNode().put("type", "removed").put("message",
                "Your instructor removed you from this room. Join again with the room's code if they ask you to.");
    }

    /** For the pages of a student who left from another tab: {"type":"left","message"}, before the channel closes. */
    static ObjectNode leftNotice() {
        return JSON.createObjectNode().put("type", "left").put("message",
                "You left this room. Join again with the room's code to be back on the dashboard.");
    }

    /** {"type":"broadcast","id","text","at"}. */
    static ObjectNode broadcast(Room.Broadcast b) {
        return JSON.createObjectNode().put("type", "broadcast").put("id", b.id()).put("text", b.text())
                .put("at", b.at());
    }

    /** {id,title,created,students}: {@code students} counts those in the room now (not those who left). */
    private static ObjectNode roomInfo(Room room) {
        return JSON.createObjectNode().put("id", room.id).put("title", room.title).put("created", room.created)
                .put("students", room.students.values().stream().filter(s -> !s.hasLeft()).count());
    }

    /** One dashboard row; call with the room's monitor held. Absent values are JSON null, never left out. */
    private static ObjectNode studentRow(Student s) {
        ObjectNode v = JSON.createObjectNode();
        v.put("id", s.id).put("name", s.name).put("joinedAt", s.joinedAt).put("online", s.channels > 0);
        v.put("lesson", s.lesson);
        v.put("step", s.step);
        v.put("phase", s.phase);
        if (s.queuePosition != null) {
            v.put("queuePosition", s.queuePosition);
        }
        v.put("phaseAt", s.phaseAt).put("runs", s.runs).put("kernel", s.kernel).put("failStreak", s.failStreak).put("events", s.events);
        v.set("diagnostic", s.diagnostic == null ? null : diagnostic(s.diagnostic));
        v.put("error", s.error);
        v.set("workload", s.workload == null ? null : workload(s.workload));
        v.set("check", s.check == null ? null : check(s.check));
        v.put("passedSteps", s.passed.size());
        v.put("pushId", s.pushId).put("pushState", s.pushState);
        if (s.source == null) {
            v.putNull("source");
        } else {
            v.putObject("source").put("origin", s.sourceOrigin).put("at", s.sourceAt).put("chars", s.source.length());
        }
        v.put("lastActivity", s.lastActivity);
        if (s.hasLeft()) {
            v.put("leftAt", s.leftAt);
        } else {
            v.putNull("leftAt");
        }
        return v;
    }

    private static ObjectNode diagnostic(Student.Diagnostic d) {
        return JSON.createObjectNode().put("stage", d.stage()).put("line", d.line()).put("column", d.column())
                .put("message", d.message()).put("errors", d.errors());
    }

    private static ObjectNode workload(Student.Workload w) {
        return JSON.createObjectNode().put("name", w.name()).put("ok", w.ok()).put("detail", w.detail());
    }

    private static ObjectNode check(Student.Check c) {
        return JSON.createObjectNode().put("lesson", c.lesson()).put("step", c.step()).put("passed", c.passed())
                .put("message", c.message()).put("at", c.at());
    }
}
