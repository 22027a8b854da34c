package dev.bpflab.rooms;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * One student of a room as the instructor sees them, and as it is saved. Guarded by the room's monitor: every read
 * and write happens in {@code synchronized (room)}.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
final class Student {
    /** The first line of a run's first compiler or verifier error. */
    record Diagnostic(String stage, Integer line, Integer column, String message, int errors) {
    }

    /** A lesson step's check, as the run reported it. */
    record Check(String lesson, Integer step, boolean passed, String message, long at) {
    }

    record Workload(String name, boolean ok, String detail) {
    }

    String id;
    String tokenDigest;
    String name;
    long joinedAt;

    String lesson;
    Integer step;

    String phase;
    Integer queuePosition;
    long phaseAt;
    int runs;
    /** The id of the kernel the latest Run asked for (GET /api/kernels); null before a run, or from before kernels. */
    String kernel;
    /** Runs in a row that ended in a compiler or verifier error: the "stuck" signal. */
    int failStreak;
    long events;
    Diagnostic diagnostic;
    String error;
    Workload workload;
    Check check;
    /** Steps whose check passed, as "lesson/step", in the order they first passed. */
    List<String> passed = new ArrayList<>();

    /** The instructor's latest push as this student has it: its id and {@link StudentStatus#PUSH_PENDING} or TAKEN. */
    String pushId;
    String pushState;

    String source;
    /** "run" (the source of the last Run) or "editor" (what the page last reported from its editor). */
    String sourceOrigin;
    long sourceAt;

    long lastActivity;
    /**
     * When the student left the room from their page, epoch ms; 0 while they are in it. A student who left keeps their
     * row (their runs and checks are the class's record) but their learner token no longer works.
     */
    long leftAt;

    /**
     * The number ({@link dev.bpflab.runs.RunActivity#connection}) of the /ws/run connection of the student's latest
     * Run while it is open, else 0; messages of other connections are stale.
     */
    @JsonIgnore
    long activeConnection;
    /** The number of the connection of the student's latest Run, open or closed (0: none since the server started). */
    @JsonIgnore
    long latestConnection;
    /** Open student channels (tabs). */
    @JsonIgnore
    int channels;

    Student() {
    }

    Student(String id, String tokenDigest, String name, long now) {
        this.id = id;
        this.tokenDigest = tokenDigest;
        this.name = name;
        this.joinedAt = now;
        this.lastActivity = now;
    }

    /** Whether the student left the room themselves; hold the room's monitor. */
    boolean hasLeft() {
        return leftAt != 0;
    }
}
