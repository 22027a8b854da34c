package dev.bpflab.rooms;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A room's results as CSV: RFC 4180 rows, one per student. A cell starting with =, +, -, @ (or a tab/CR) is prefixed
 * with ' so spreadsheets do not run it.
 */
final class Csv {
    static final List<String> HEADER = List.of("student_id", "name", "joined_at", "lesson", "step", "runs", "phase",
            "events", "diagnostic_stage", "diagnostic_line", "diagnostic_message", "fail_streak", "last_check_lesson",
            "last_check_step", "last_check_passed", "steps_passed", "passed_steps", "last_activity");

    private Csv() {
    }

    /** The header and one row per student, in joining order; times are ISO-8601 UTC, absent values empty cells. */
    static String export(Room room) {
        StringBuilder out = new StringBuilder();
        row(out, HEADER);
        synchronized (room) {
            for (Student s : room.students.values()) {
                Student.Diagnostic d = s.diagnostic;
                Student.Check c = s.check;
                row(out, Arrays.asList(s.id, s.name, iso(s.joinedAt), s.lesson, str(s.step),
                        String.valueOf(s.runs), s.phase, String.valueOf(s.events),
                        d == null ? null : d.stage(), d == null ? null : str(d.line()), d == null ? null : d.message(),
                        String.valueOf(s.failStreak), c == null ? null : c.lesson(), c == null ? null : str(c.step()),
                        c == null ? null : String.valueOf(c.passed()), String.valueOf(s.passed.size()),
                        String.join(" ", s.passed), iso(s.lastActivity)));
            }
        }
        return out.toString();
    }

    static void row(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(cell(cells.get(i)));
        }
        out.append("\r\n");
    }

    static String cell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String v = value;
        char first = v.charAt(0);
        if ((first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r')
                && !v.matches("-?\\d+(\\.\\d+)?")) {
            v = "'" + v;
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }

    private static String str(Integer n) {
        return n == null ? null : n.toString();
    }

    private static String iso(long millis) {
        return millis == 0 ? null : Instant.ofEpochMilli(millis).toString();
    }
}
