package dev.bpflab.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bpflab.runs.LearnerTokens;
import dev.bpflab.support.threads.Daemons;
import io.quarkus.runtime.Startup;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The open dashboards and student channels of every room, and what they are sent. All sending happens on one
 * thread, so a dashboard sees its snapshot before any update and updates in order. Student changes are gathered for
 * {@code bpflab.rooms.dashboard-flush-millis} and sent as one "students" message per room.
 */
@Startup
@Singleton
public class RoomChannels implements RoomListener {
    private static final Logger LOG = Logger.getLogger(RoomChannels.class);
    static final CloseReason ROOM_CLOSED = new CloseReason(4404, "the room was closed");
    static final CloseReason REMOVED = new CloseReason(4410, "the instructor removed you from the room");
    static final CloseReason LEFT = new CloseReason(4411, "you left the room");

    @Inject
    Rooms rooms;
    @Inject
    RoomViews views;
    /** Told when memberships end, so the run sockets of those learner tokens close too. */
    @Inject
    Event<LearnerTokens.Ended> membershipsEnded;
    @ConfigProperty(name = "bpflab.rooms.dashboard-flush-millis", defaultValue = "50")
    long flushMillis;

    private record Pending(Room room, Set<String> studentIds) {
    }

    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(Daemons.factory("rooms-dispatch"));
    private final Map<String, Set<WebSocketConnection>> dashboards = new ConcurrentHashMap<>();
    private final Map<String, Set<WebSocketConnection>> studentChannels = new ConcurrentHashMap<>();
    /** Whose page each open student channel is (connection id to student id); the dashboards' rooms likewise. */
    private final Map<String, String> studentOf = new ConcurrentHashMap<>();
    private final Map<String, Room> dashboardRoom = new ConcurrentHashMap<>();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();

    @PostConstruct
    void start() {
        rooms.setListener(this);
    }

    @PreDestroy
    void stop() {
        rooms.setListener(null);
        sender.shutdownNow();
    }

    void dashboardOpened(Room room, WebSocketConnection connection) {
        run(() -> {
            dashboards.computeIfAbsent(room.id, k -> ConcurrentHashMap.newKeySet()).add(connection);
            dashboardRoom.put(connection.id(), room);
            rooms.attendance().dashboardOpened(room);
            send(connection, views.snapshot(room).toString());
        });
    }

    void dashboardClosed(String roomId, WebSocketConnection connection) {
        run(() -> {
            remove(dashboards, roomId, connection);
            Room room = dashboardRoom.remove(connection.id());
            if (room != null) {
                rooms.attendance().dashboardClosed(room);
            }
        });
    }

    void studentOpened(Rooms.Membership member, WebSocketConnection connection) {
        rooms.attendance().channelOpened(member);
        run(() -> {
            // Removed (or the room closed) since the upgrade was let through: this task runs after that one did.
            if (!rooms.attendance().isMember(member)) {
                send(connection, RoomViews.removedNotice().toString());
                close(connection, REMOVED);
                return;
            }
            studentChannels.computeIfAbsent(member.room().id, k -> ConcurrentHashMap.newKeySet()).add(connection);
            studentOf.put(connection.id(), member.student().id);
            send(connection, views.welcome(member).toString());
        });
    }

    void studentClosed(Rooms.Membership member, WebSocketConnection connection) {
        rooms.attendance().channelClosed(member);
        run(() -> {
            remove(studentChannels, member.room().id, connection);
            studentOf.remove(connection.id());
        });
    }

    /** Sends one message to one connection, in order with everything else this class sends. */
    void sendLater(WebSocketConnection connection, String text) {
        run(() -> send(connection, text));
    }

    /** How many students (tabs) of the room are listening now. */
    int listeningStudents(Room room) {
        Set<WebSocketConnection> set = studentChannels.get(room.id);
        return set == null ? 0 : (int) set.stream().filter(WebSocketConnection::isOpen).count();
    }

    @Override
    public void studentChanged(Room room, String studentId) {
        if (!dashboards.containsKey(room.id)) {
            return; // nobody watches; a dashboard that connects later gets a snapshot
        }
        // compute and remove are atomic per key: an id added here is either in the flush that removes the entry or in
        // a new entry for the next flush.
        pending.compute(room.id, (k, p) -> {
            Pending next = p == null ? new Pending(room, new java.util.HashSet<>()) : p;
            next.studentIds().add(studentId);
            return next;
        });
        if (flushScheduled.compareAndSet(false, true)) {
            try {
                sender.schedule(this::flush, flushMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                flushScheduled.set(false);
            }
        }
    }

    @Override
    public void announce(Room room, ObjectNode message) {
        String text = message.toString();
        run(() -> {
            forEach(studentChannels.get(room.id), c -> send(c, text));
            forEach(dashboards.get(room.id), c -> send(c, text));
        });
    }

    @Override
    public void closed(Room room) {
        String text = "{\"type\":\"closed\",\"message\":\"The instructor closed this room.\"}";
        run(() -> {
            for (Map<String, Set<WebSocketConnection>> channels : java.util.List.of(dashboards, studentChannels)) {
                Set<WebSocketConnection> set = channels.remove(room.id);
                forEach(set, c -> {
                    send(c, text);
                    close(c, ROOM_CLOSED);
                });
            }
            pending.remove(room.id);
        });
        membershipsEnded.fire(new LearnerTokens.Ended());
    }

    @Override
    public void removed(Room room, Student student) {
        String row = RoomViews.removed(student).toString();
        run(() -> {
            closeStudent(room, student, RoomViews.removedNotice().toString(), REMOVED);
            forEach(dashboards.get(room.id), c -> send(c, row));
        });
        membershipsEnded.fire(new LearnerTokens.Ended());
    }

    @Override
    public void left(Room room, Student student) {
        run(() -> closeStudent(room, student, RoomViews.leftNotice().toString(), LEFT));
        studentChanged(room, student.id); // the row stays, marked as left
        membershipsEnded.fire(new LearnerTokens.Ended());
    }

    /** Tells each open page of {@code student} why, and closes it. Runs on the sending thread. */
    private void closeStudent(Room room, Student student, String notice, CloseReason reason) {
        forEach(studentChannels.get(room.id), c -> {
            if (student.id.equals(studentOf.get(c.id()))) {
                send(c, notice);
                close(c, reason);
            }
        });
    }

    @Override
    public void toDashboards(Room room, ObjectNode message) {
        String text = message.toString();
        run(() -> forEach(dashboards.get(room.id), c -> send(c, text)));
    }

    private void flush() {
        flushScheduled.set(false);
        for (String roomId : java.util.List.copyOf(pending.keySet())) {
            Pending p = pending.remove(roomId);
            Set<WebSocketConnection> watchers = dashboards.get(roomId);
            if (p == null || watchers == null || watchers.isEmpty()) {
                continue;
            }
            String text = views.studentsUpdate(p.room(), p.studentIds()).toString();
            forEach(watchers, c -> send(c, text));
        }
    }

    private void run(Runnable task) {
        try {
            sender.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warnf(e, "a room channel task failed");
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("room channels are shut down");
        }
    }

    private static void remove(Map<String, Set<WebSocketConnection>> map, String roomId, WebSocketConnection c) {
        map.computeIfPresent(roomId, (k, set) -> {
            set.remove(c);
            return set.isEmpty() ? null : set;
        });
    }

    private static void forEach(Set<WebSocketConnection> set, java.util.function.Consumer<WebSocketConnection> action) {
        if (set != null) {
            set.forEach(action);
        }
    }

    private static void close(WebSocketConnection connection, CloseReason reason) {
        connection.close(reason).subscribe().with(v -> {
        }, e -> {
        });
    }

    private static void send(WebSocketConnection connection, String text) {
        if (!connection.isOpen()) {
            return;
        }
        connection.sendText(text).subscribe().with(v -> {
        }, e -> LOG.debugf("could not send to %s: %s", connection.id(), e.getMessage()));
    }
}
