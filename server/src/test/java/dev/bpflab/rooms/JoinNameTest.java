package dev.bpflab.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A join name is kept as typed or refused with what to change; never silently cut or stripped of characters. */
class JoinNameTest {

    private static String refusal(String name) {
        RoomException e = assertThrows(RoomException.class, () -> JoinName.check(name), name);
        assertEquals(400, e.status());
        return e.getMessage();
    }

    @Test
    void aNameIsKeptWithItsSpacesFolded() throws RoomException {
        assertEquals("Ada Lovelace", JoinName.check("  Ada \t  Lovelace\n"));
        assertEquals("María José 2", JoinName.check("María José 2"));
        assertEquals("Ada 👩\u200D💻", JoinName.check("Ada 👩\u200D💻"), "emoji sequences keep their joiner");
        assertEquals("x".repeat(40), JoinName.check("x".repeat(40)));
    }

    @Test
    void aLongNameIsRefusedWithTheLimitNotCut() {
        String message = refusal("A".repeat(41));
        assertTrue(message.contains("at most 40 characters") && message.contains("41"), message);
        assertTrue(refusal("😀".repeat(41)).contains("41"), "counted in characters, not UTF-16 units");
    }

    @Test
    void numbersOrSymbolsAloneAreNoName() {
        assertTrue(refusal("12345").contains("at least one letter"));
        assertTrue(refusal("!!! ---").contains("at least one letter"));
    }

    @Test
    void invisibleCharactersThatChangeHowTextShowsAreRefused() {
        assertTrue(refusal("Ada\u202Egnp.exe").contains("U+202E"), "right-to-left override");
        assertTrue(refusal("Ada\u2066Bob").contains("U+2066"), "left-to-right isolate");
        assertTrue(refusal("A\u200Bda").contains("U+200B"), "zero-width space");
        assertTrue(refusal("Ada\u0007").contains("U+0007"), "a control character");
        assertTrue(refusal("Ada\uE000").contains("U+E000"), "private use");
        assertTrue(refusal("   ").contains("display name"));
        assertTrue(refusal(null).contains("display name"));
    }
}
