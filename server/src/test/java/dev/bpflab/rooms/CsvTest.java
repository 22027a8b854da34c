package dev.bpflab.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CSV cells against formula injection: whatever separator the spreadsheet splits on (',' or a locale's ';' or tab),
 * and whether or not it honours quoting, no piece of an exported cell may begin like a formula.
 */
class CsvTest {
    private static final String TRIGGERS = "=+-@\t\r";

    @Test
    void aFormulaAfterASemicolonIsInert() {
        // The string from issue 15: where ';' separates cells, "Bob;=1+1" was "Bob" and the formula =1+1.
        assertEquals("\"'Bob;'=1+1\"", Csv.cell("Bob;=1+1"));
        assertInert("Bob;=1+1");
    }

    @Test
    void aFormulaAfterAnySeparatorIsInert() {
        for (String value : List.of("Bob,=1+1", "Bob\t=1+1", "Bob\n=1+1", "Bob\r\n+1", "Bob; =1+1", "Bob;@SUM(A1)",
                "Bob;-2+3", "a;b;=HYPERLINK(\"http://x\")", "x;\t=1")) {
            assertInert(value);
            assertEquals('\'', Csv.cell(value).charAt(1), value + " is marked as text as a whole");
        }
    }

    @Test
    void aCellStartingWithATriggerIsInert() {
        assertEquals("\"'=1+1\"", Csv.cell("=1+1"));
        assertEquals("\"'+1\"", Csv.cell("+1"));
        assertEquals("\"'-1+1\"", Csv.cell("-1+1"));
        assertEquals("\"'@SUM(A1:A2)\"", Csv.cell("@SUM(A1:A2)"));
        for (String value : List.of("\t=1", "\r=1", " =1+1")) {
            assertInert(value);
        }
    }

    @Test
    void plainTextAndNumbersAreLeftAsTheyAre() {
        assertEquals("Ada", Csv.cell("Ada"));
        assertEquals("-3", Csv.cell("-3"));
        assertEquals("2.5", Csv.cell("2.5"));
        assertEquals("\"Lovelace, Ada\"", Csv.cell("Lovelace, Ada"));
        assertEquals("\"expected ';' after expression\"", Csv.cell("expected ';' after expression"));
        assertEquals("\"say \"\"hi\"\"\"", Csv.cell("say \"hi\""));
        assertEquals("a-b", Csv.cell("a-b"));
        assertEquals("", Csv.cell(null));
    }

    /** No cell of {@code value}'s export begins with a trigger, for any separator, quote-aware or not. */
    private static void assertInert(String value) {
        String cell = Csv.cell(value);
        for (char separator : new char[] {',', ';', '\t'}) {
            for (String piece : quoteAwareSplit(cell, separator)) {
                assertFalse(beginsAFormula(piece), "'" + piece + "' of " + cell + " split at '" + separator + "'");
            }
        }
        for (String piece : cell.split("[,;\t\r\n]", -1)) {
            String unquoted = piece.replaceFirst("^\"+", "");
            assertFalse(beginsAFormula(unquoted), "'" + unquoted + "' of " + cell + " split ignoring quotes");
        }
    }

    private static boolean beginsAFormula(String piece) {
        String trimmed = piece.stripLeading();
        return !piece.isEmpty() && (TRIGGERS.indexOf(piece.charAt(0)) >= 0
                || !trimmed.isEmpty() && TRIGGERS.indexOf(trimmed.charAt(0)) >= 0);
    }

    /** An RFC 4180 reader with {@code separator} between cells (and line breaks between rows). */
    private static List<String> quoteAwareSplit(String text, char separator) {
        List<String> cells = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    current.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    current.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == separator || c == '\n' || c == '\r') {
                cells.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        cells.add(current.toString());
        return cells;
    }
}
