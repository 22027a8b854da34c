package dev.bpflab.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The hint catalogue as data: every pattern against the real messages kept next to it, and the kinds the lab promises. */
class DiagnosticHintsTest {
    /** The kinds issue 16 lists, and reads past a tracepoint's context refused at attach; each must have a hint. */
    private static final Set<String> PROMISED = Set.of("map-null-check", "packet-bounds", "stack-too-large",
            "unreleased-reference", "gpl-only-helper", "helper-not-allowed", "program-too-complex", "unbounded-loop",
            "invalid-context-access", "bad-return-value", "legacy-map-definition", "printk-arguments",
            "missing-max-entries", "core-relocation", "section-not-attachable", "context-past-end");

    @Test
    void everyPromisedKindHasAHintInBothLanguages() {
        Set<String> kinds = DiagnosticHints.entries().stream().map(DiagnosticHints.Entry::kind).collect(Collectors.toSet());
        assertTrue(kinds.containsAll(PROMISED), "missing: " + PROMISED.stream().filter(k -> !kinds.contains(k)).toList());
        for (DiagnosticHints.Entry entry : DiagnosticHints.entries()) {
            assertFalse(entry.hint().es().equals(entry.hint().en()), entry.kind() + ": es and en are the same text");
            assertFalse(entry.hint().es().endsWith("…") || entry.hint().en().endsWith("…"),
                    entry.kind() + ": a text is longer than " + Hint.MAX_TEXT_CHARS + " characters and was clipped");
        }
        assertEquals(DiagnosticHints.entries().size(), kinds.size(), "each kind appears once");
    }

    @Test
    void everySampleGetsTheHintOfItsOwnKind() {
        for (DiagnosticHints.Entry entry : DiagnosticHints.entries()) {
            assertFalse(entry.samples().isEmpty(), entry.kind() + " has no sample message");
            for (String sample : entry.samples()) {
                // Its own pattern matches, and no entry tried earlier takes the message first.
                assertTrue(entry.pattern().matcher(sample).find(), entry.kind() + " does not match " + sample);
                assertEquals(entry.kind(), DiagnosticHints.find(sample).orElseThrow().kind(), sample);
            }
        }
    }

    @Test
    void messagesOfNoKnownKindHaveNoHint() {
        assertTrue(DiagnosticHints.find("expected ';' at end of declaration").isEmpty());
        assertTrue(DiagnosticHints.find("invalid func unknown#12").isEmpty());
        assertTrue(DiagnosticHints.find("invalid write to stack R10 off=-8 size=8").isEmpty(), "8 bytes is no overflow");
        Diagnostic plain = new Diagnostic(3, 1, "warning", "unused variable 'x'");
        assertEquals(plain, DiagnosticHints.withHint(plain));
    }

    @Test
    void aHintTravelsInBothLanguagesAndIsLeftOutWhenThereIsNone() throws ProtocolException {
        Diagnostic hinted = DiagnosticHints.withHint(new Diagnostic(7, 2, "error", "R0 invalid mem access 'map_value_or_null'"));
        ServerMessage.Diagnostics message = new ServerMessage.Diagnostics("verify", List.of(hinted), "log", false, "p", null);
        String json = RunJson.write((ServerMessage) message);
        assertTrue(json.contains("\"hint\":{\"kind\":\"map-null-check\",\"es\":\""), json);
        assertTrue(json.contains("\"en\":\""), json);
        assertEquals(message, RunJson.server(json));
        String bare = RunJson.write((ServerMessage) new ServerMessage.Diagnostics("verify", List.of(new Diagnostic(1, 1, "error", "x")),
                "", false, "p", null));
        assertFalse(bare.contains("hint"), bare);
        assertNull(((ServerMessage.Diagnostics) RunJson.server(bare)).items().get(0).hint());
    }

    @Test
    void diagnosticsFromOutsideCannotCarryUnboundedHints() {
        Hint hint = new Hint("x", "a".repeat(5000), "b");
        assertEquals(Hint.MAX_TEXT_CHARS, hint.es().length());
        assertThrows(() -> new Hint("Not A Kind", "a", "b"));
        assertThrows(() -> new Hint("x", " ", "b"));
    }

    private static void assertThrows(Runnable r) {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, r::run);
    }
}
