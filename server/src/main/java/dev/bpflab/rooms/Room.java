package dev.bpflab.rooms;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A room: an instructor's live session, its join code and its students. Everything in it (its students too) is
 * guarded by the room's own monitor. Saved as one JSON file; secrets and tokens are kept only as digests.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
final class Room {
    /**
     * What the instructor pushed to everyone: a lesson step or a template.
     * {@code kind} is "lesson" (with {@code lesson}, {@code step}) or "template" (with {@code template}, {@code params}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Push(String id, String kind, String lesson, Integer step, String template, JsonNode params, long at) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Broadcast(String id, String text, long at) {
    }

    static final int KEPT_BROADCASTS = 20;

    String id;
    String title;
    String joinCode;
    String secretDigest;
    long created;
    /** The client address that created the room, for the per-address cap; null for rooms saved before it was kept. */
    String creator;
    /** A locked room refuses new students; those already in stay. */
    boolean locked;
    /** When the instructor last called the room (REST or dashboard) or a socket of it opened or closed, epoch ms. */
    long lastSeen;
    /** By student id, in joining order. */
    Map<String, Student> students = new LinkedHashMap<>();
    Push lastPush;
    List<Broadcast> broadcasts = new ArrayList<>();
    /** Open dashboards: not saved, a live count. */
    @JsonIgnore
    int dashboards;

    Room() {
    }

    Room(String id, String title, String joinCode, String secretDigest, long created) {
        this.id = id;
        this.title = title;
        this.joinCode = joinCode;
        this.secretDigest = secretDigest;
        this.created = created;
    }

    /**
     * When anyone last used the room (created it, joined, ran, reported, announced, called it as its instructor, or
     * opened or closed one of its sockets), epoch ms; hold the monitor.
     */
    long lastUsed() {
        long last = Math.max(created, lastSeen);
        for (Student s : students.values()) {
            last = Math.max(last, Math.max(s.joinedAt, s.lastActivity));
        }
        if (lastPush != null) {
            last = Math.max(last, lastPush.at());
        }
        for (Broadcast b : broadcasts) {
            last = Math.max(last, b.at());
        }
        return last;
    }

    /** Whether a dashboard or a student page of the room is open now; hold the monitor. */
    boolean inUse() {
        return dashboards > 0 || students.values().stream().anyMatch(s -> s.channels > 0);
    }

    void addBroadcast(Broadcast broadcast) {
        broadcasts.add(broadcast);
        while (broadcasts.size() > KEPT_BROADCASTS) {
            broadcasts.remove(0);
        }
    }
}
