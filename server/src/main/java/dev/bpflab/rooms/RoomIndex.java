package dev.bpflab.rooms;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The open rooms, found by id, by join code and by the digest of a learner token. The maps are concurrent; a caller
 * that must check and take at once (a free join code, the room count, the rooms of one address) holds the index's
 * own monitor, and never takes it while holding a room's monitor.
 */
final class RoomIndex {
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final Map<String, Room> byId = new ConcurrentHashMap<>();
    private final Map<String, Room> byCode = new ConcurrentHashMap<>();
    private final Map<String, Rooms.Membership> byTokenDigest = new ConcurrentHashMap<>();

    /** Adds a room with its students (a loaded room, or a new one with none); the tokens of those who left stay dead. */
    synchronized void add(Room room) {
        byId.put(room.id, room);
        byCode.put(room.joinCode, room);
        synchronized (room) {
            room.students.values().stream().filter(student -> !student.hasLeft())
                    .forEach(student -> addStudent(room, student));
        }
    }

    /** Removes the room; its join code and every learner token of it stop working. */
    void remove(Room room) {
        synchronized (this) {
            byId.remove(room.id);
            byCode.remove(room.joinCode);
        }
        synchronized (room) {
            room.students.values().forEach(this::forget);
        }
    }

    void addStudent(Room room, Student student) {
        byTokenDigest.put(student.tokenDigest, new Rooms.Membership(room, student));
    }

    /** The student's learner token stops working. */
    void forget(Student student) {
        byTokenDigest.remove(student.tokenDigest);
    }

    /** A join code no open room has; hold the index's monitor until the room using it is added. */
    String freeCode() {
        String code;
        do {
            code = Secrets.joinCode();
        } while (byCode.containsKey(code));
        return code;
    }

    int size() {
        return byId.size();
    }

    /** How many open rooms the client at {@code address} created. */
    long createdBy(String address) {
        return byId.values().stream().filter(room -> address.equals(room.creator)).count();
    }

    Room byId(String id) {
        return id == null ? null : byId.get(id);
    }

    Room byCode(String normalizedCode) {
        return byCode.get(normalizedCode);
    }

    boolean isOpen(Room room) {
        return byId.get(room.id) == room;
    }

    List<Room> all() {
        return List.copyOf(byId.values());
    }

    /** The student holding this learner token in an open room, if any. */
    Optional<Rooms.Membership> member(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        Rooms.Membership m = byTokenDigest.get(Secrets.digest(token));
        return m == null || !isOpen(m.room()) ? Optional.empty() : Optional.of(m);
    }
}
