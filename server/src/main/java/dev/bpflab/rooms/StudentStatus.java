package dev.bpflab.rooms;

import dev.bpflab.protocol.Diagnostic;
import dev.bpflab.protocol.RunPhase;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.runs.RunActivity;
import java.util.List;

/**
 * How a student's status follows their runs: a pure reducer from ({@link Student}, {@link RunActivity}, time) to the
 * student's new status. No locks, no I/O, no clock: the caller holds the room's monitor and passes the time
 * (epoch milliseconds).
 *
 * <p>Only the student's latest run connection ({@code activeConnection}) moves the phase, events, diagnostic and
 * workload; a replaced connection's late messages are stale. The page opens a connection per Run press and listens
 * only to the newest, so connection numbers order the presses: a Run from a connection older than the latest Run's
 * (its worker was slower) is stale too, and an error counts from the latest Run's connection or from one opened after
 * it (a Run refused before it began: a limit, a bad request), never from an older one (a replaced run's time limit,
 * an older press refused late). Check results count from any connection.
 */
final class StudentStatus {
    /** A push the student's page has not taken yet (offline, or the learner has not chosen "Replace / Keep my code"). */
    static final String PUSH_PENDING = "pending";
    /** A push the student's page took: it is at the pushed lesson step, or it applied the pushed template. */
    static final String PUSH_TAKEN = "taken";
    /** A student's code is kept up to this many characters; the rest is cut with a note. */
    static final int MAX_SOURCE_CHARS = 64 * 1024;

    private StudentStatus() {
    }

    /** Applies {@code activity} to {@code s} at {@code now}; true if anything the dashboard shows changed. */
    static boolean apply(Student s, RunActivity activity, long now) {
        long connection = activity.connection();
        boolean current = connection != 0 && connection == s.activeConnection;
        switch (activity.kind()) {
            case RUN -> {
                if (connection < s.latestConnection) {
                    return false; // an earlier press, handled after a later one: the page no longer shows it
                }
                newRun(s, connection, activity.source(), activity.kernel(), now);
                return true;
            }
            case EVENTS -> {
                if (!current || activity.eventCount() == s.events) {
                    return false;
                }
                s.events = activity.eventCount();
                return true;
            }
            case CLOSED -> {
                return closed(s, current, now);
            }
            case MESSAGE -> {
                return message(s, activity.message(), current, connection > s.latestConnection, now);
            }
            default -> {
                return false;
            }
        }
    }

    /** The instructor pushed {@code push}: the student has it pending until their page takes it. */
    static void pushed(Student s, Room.Push push) {
        s.pushId = push.id();
        s.pushState = PUSH_PENDING;
    }

    /**
     * The student's page says it is at {@code lesson}/{@code step}: a pending lesson push for that lesson (and that step,
     * if the push named one) is taken. The page reports its position only once the learner chose whether to replace
     * their code. True if the push state changed.
     */
    static boolean progressed(Student s, Room.Push push, String lesson, Integer step) {
        if (push == null || !"lesson".equals(push.kind()) || !push.lesson().equals(lesson)
                || (push.step() != null && !push.step().equals(step))) {
            return false;
        }
        return taken(s, push.id());
    }

    /** The student's page says it applied push {@code pushId}; true if that was their pending push. */
    static boolean taken(Student s, String pushId) {
        if (pushId == null || !pushId.equals(s.pushId) || !PUSH_PENDING.equals(s.pushState)) {
            return false;
        }
        s.pushState = PUSH_TAKEN;
        return true;
    }

    /** Keeps {@code source} (cut to {@link #MAX_SOURCE_CHARS}) as the student's code; origin "run" or "editor". */
    static void setSource(Student s, String source, String origin, long now) {
        s.source = source.length() > MAX_SOURCE_CHARS
                ? source.substring(0, MAX_SOURCE_CHARS) + "\n/* … cut here by bpflab: the rest is longer than "
                        + MAX_SOURCE_CHARS + " characters */\n"
                : source;
        s.sourceOrigin = origin;
        s.sourceAt = now;
        s.lastActivity = now;
    }

    /** Run was pressed (on {@code kernel}): a new connection, compiling, with the last run's outcome cleared (the fail streak stays). */
    private static void newRun(Student s, long connection, String source, String kernel, long now) {
        s.activeConnection = connection;
        s.kernel = kernel;
        s.latestConnection = connection;
        s.runs++;
        s.phase = RunPhase.COMPILING.wire();
        s.phaseAt = now;
        s.queuePosition = null;
        s.events = 0;
        s.diagnostic = null;
        s.error = null;
        s.workload = null;
        if (source != null) {
            setSource(s, source, "run", now);
        }
        s.lastActivity = now;
    }

    /** The page went away: a run it left in a live phase is over ("stopped"). */
    private static boolean closed(Student s, boolean current, long now) {
        if (!current) {
            return false;
        }
        s.activeConnection = 0;
        if (s.phase != null && RunPhase.fromWire(s.phase).map(RunPhase::isLive).orElse(false)) {
            s.phase = RunPhase.STOPPED.wire();
            s.phaseAt = now;
            s.queuePosition = null;
            return true;
        }
        return false;
    }

    /**
     * @param current a message of the latest Run's open connection
     * @param later   a message of a connection opened after the latest Run's (one whose Run was refused)
     */
    private static boolean message(Student s, ServerMessage m, boolean current, boolean later, long now) {
        if (m == null) {
            return false;
        }
        if (m instanceof ServerMessage.CheckResult check) {
            checked(s, check, now);
            return true;
        }
        if (m instanceof ServerMessage.Error error) {
            if (!current && !later) {
                return false; // of a run since replaced, or a press older than the latest Run: not what the page shows
            }
            s.error = RoomText.firstLine(error.message());
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
                    first.column() > 0 ? first.column() : null, RoomText.firstLine(first.message()), errors.size());
            s.failStreak++;
        } else if (m instanceof ServerMessage.WorkloadResult workload) {
            s.workload = new Student.Workload(RoomText.clean(workload.name(), 60), workload.ok(),
                    RoomText.firstLine(workload.detail()));
        } else {
            return false; // e.g. "sandbox": nothing the dashboard shows
        }
        s.lastActivity = now;
        return true;
    }

    /** A check's verdict; it also says which step the student is on, and a pass counts that step once. */
    private static void checked(Student s, ServerMessage.CheckResult check, long now) {
        // A template's check (no lesson) shows as the latest check but counts toward no lesson step.
        String lesson = check.lesson() != null && RoomText.isId(check.lesson()) ? check.lesson() : null;
        Integer step = check.step() != null && check.step() >= 0 && check.step() <= 9999 ? check.step() : null;
        s.check = new Student.Check(lesson, step, check.passed(), RoomText.firstLine(check.message()), now);
        if (lesson != null) {
            s.lesson = lesson;
            s.step = step;
            String key = lesson + "/" + (step == null ? "" : step);
            if (check.passed() && !s.passed.contains(key)) {
                s.passed.add(key);
            }
        }
        s.lastActivity = now;
    }
}
