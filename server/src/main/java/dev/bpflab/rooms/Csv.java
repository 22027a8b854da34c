package dev.bpflab.rooms;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A room's results as CSV: RFC 4180 rows, one per student, with every cell a spreadsheet could run as a formula made
 * inert (see {@link #cell}), except the student id, which is the API's id exactly (see {@link #idCell}). Steps are
 * numbered as the learner sees them ("Step 1" is the first), unlike the JSON's {@code step}, which is the step's index.
 */
final class Csv {
    /** What makes a spreadsheet read a cell as a formula (or, for tab and CR, hide one behind it). */
    private static final String TRIGGERS = "=+-@\t\r";
    /** Where a cell can start: the comma, the ';' of locales with a decimal comma, tab, and line breaks. */
    private static final String SEPARATORS = ",;\t\r\n";
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

    static final List<String> HEADER = List.of("student_id", "name", "joined_at", "lesson", "step", "runs", "phase",
            "events", "kernel", "diagnostic_stage", "diagnostic_line", "diagnostic_message", "fail_streak", "last_check_lesson",
            "last_check_step", "last_check_passed", "steps_passed", "passed_steps", "last_activity", "push_state", "left_at");

    private Csv() {
    }

    /**
     * The header and one row per student, in joining order; times are ISO-8601 UTC, absent values empty cells. A
     * student who left has their row, with {@code left_at} set; one the instructor removed has none.
     */
    static String export(Room room) {
        StringBuilder out = new StringBuilder();
        row(out, HEADER);
        synchronized (room) {
            for (Student s : room.students.values()) {
                Student.Diagnostic d = s.diagnostic;
                Student.Check c = s.check;
                out.append(idCell(s.id)).append(',');
                row(out, Arrays.asList(s.name, iso(s.joinedAt), s.lesson, stepNumber(s.step),
                        String.valueOf(s.runs), s.phase, String.valueOf(s.events), s.kernel,
                        d == null ? null : d.stage(), d == null ? null : str(d.line()), d == null ? null : d.message(),
                        String.valueOf(s.failStreak), c == null ? null : c.lesson(), c == null ? null : stepNumber(c.step()),
                        c == null ? null : String.valueOf(c.passed()), String.valueOf(s.passed.size()),
                        String.join(" ", s.passed.stream().map(Csv::passedStep).toList()), iso(s.lastActivity),
                        s.pushState, iso(s.leftAt)));
            }
        }
        return out.toString();
    }

    /**
     * A student id as the API has it, so the CSV's ids match the API's. An id is base64url, so even one beginning with
     * '-' (saved before ids stopped beginning with one) cannot call a function, reach another program or hold a
     * separator: at worst a spreadsheet that evaluates the file shows an error (#NAME?) or a number in its place, and
     * runs nothing.
     * Import the column as text to see such an id as it is. Anything else in this column gets the {@link #cell} guard.
     */
    static String idCell(String id) {
        // An id is base64url (Secrets.isId): no parenthesis, quote, space, '!', '|' or separator can be in one.
        return Secrets.isId(id) ? id : cell(id);
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

    /**
     * One cell, quoted when it holds a separator or a quote, and made inert when it could be a formula.
     *
     * <p>OWASP's advice against CSV injection: a cell beginning with = + - @ tab or CR is prefixed with a single quote
     * (which spreadsheets take as "this is text") and the cell is wrapped in double quotes with inner quotes doubled.
     * Its page also warns that the first character is not the only place a cell begins: a separator inside the value
     * starts one too. In a locale whose separator is ';', {@code Bob;=1+1} (unquoted, as it has no comma) is two
     * cells, the second a formula. So a cell counts as dangerous if a trigger starts it or follows any separator (spaces
     * in between do not help: some importers trim them). A dangerous cell gets the quote prefix, is always quoted (so
     * a reader that honours quoting, whatever its separator, sees one text cell), and also gets a quote before each
     * trigger that follows a separator, so that even a reader that splits inside quotes gets only inert pieces. A
     * plain number ({@code -3}, {@code 2.5}) is data and stays as it is.
     */
    static String cell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        boolean dangerous = !NUMBER.matcher(value).matches() && (startsWithTrigger(value, 0) || anySeparator(value,
                true));
        String v = dangerous ? inert(value) : value;
        if (dangerous || anySeparator(v, false) || v.indexOf('"') >= 0) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }

    /** Whether a trigger comes at {@code from}, after any spaces. */
    private static boolean startsWithTrigger(String v, int from) {
        int i = from;
        while (i < v.length() && v.charAt(i) == ' ') {
            i++;
        }
        return i < v.length() && TRIGGERS.indexOf(v.charAt(i)) >= 0;
    }

    /** Whether {@code v} holds a separator (followed by a trigger, if {@code beforeTrigger}). */
    private static boolean anySeparator(String v, boolean beforeTrigger) {
        for (int i = 0; i < v.length(); i++) {
            if (SEPARATORS.indexOf(v.charAt(i)) >= 0 && (!beforeTrigger || startsWithTrigger(v, i + 1))) {
                return true;
            }
        }
        return false;
    }

    /** {@code 'v}, with a ' also before every trigger that follows a separator (and its spaces). */
    private static String inert(String v) {
        StringBuilder out = new StringBuilder(v.length() + 4).append('\'');
        boolean cellStart = true;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (cellStart && i > 0 && TRIGGERS.indexOf(c) >= 0) {
                out.append('\'');
            }
            out.append(c);
            if (SEPARATORS.indexOf(c) >= 0) {
                cellStart = true;
            } else if (c != ' ') {
                cellStart = false;
            }
        }
        return out.toString();
    }

    private static String str(Integer n) {
        return n == null ? null : n.toString();
    }

    /** A step index (0 is the first step) as the learner's page numbers it (Step 1). */
    private static String stepNumber(Integer index) {
        return index == null ? null : String.valueOf(index + 1);
    }

    /** A passed step's key "lesson/index" as "lesson/number" (the learner's numbering). */
    private static String passedStep(String key) {
        int slash = key.lastIndexOf('/');
        String step = key.substring(slash + 1);
        return slash < 0 || !step.matches("\\d{1,4}") ? key : key.substring(0, slash + 1) + stepNumber(Integer.parseInt(step));
    }

    private static String iso(long millis) {
        return millis == 0 ? null : Instant.ofEpochMilli(millis).toString();
    }
}
