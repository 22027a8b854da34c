package dev.bpflab.grading;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.protocol.ServerMessage;
import org.junit.jupiter.api.Test;

/** A template's or a lesson's promise about what an iterator program prints when it is read. */
class IteratorExpectationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LISTING = "    PID COMM\n      1 init\n    812 java\n";

    private static JsonNode spec(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void anIteratorExpectationNeedsTheTextItLooksFor() throws Exception {
        assertNull(Expectation.problem(spec("{\"type\":\"iterator\",\"program\":\"ps\",\"text\":\"*java*\"}")));
        assertTrue(Expectation.problem(spec("{\"type\":\"iterator\",\"program\":\"ps\"}")).contains("\"text\""));
    }

    @Test
    void itIsMetByAReadOfThatProgramWhoseTextMatches() throws Exception {
        Expectation java = new Expectation(spec("{\"type\":\"iterator\",\"program\":\"ps\",\"text\":\"*\\n*java\\n*\"}"));
        assertTrue(java.needsIteratorRead());
        assertTrue(java.matches(new ServerMessage.IteratorOutput("ps", 2, LISTING, false, false)));
        assertFalse(java.matches(new ServerMessage.IteratorOutput("other", 2, LISTING, false, false)), "another program");
        assertFalse(java.matches(new ServerMessage.IteratorOutput("ps", 1, "    PID COMM\n      1 init\n", false, false)));
        assertFalse(java.matches(new ServerMessage.Printk(LISTING, 1, "java")), "printk is not an iterator's output");
        Expectation anyProgram = new Expectation(spec("{\"type\":\"iterator\",\"text\":\"*init*\"}"));
        assertTrue(anyProgram.matches(new ServerMessage.IteratorOutput("other", 1, LISTING, false, false)));
    }
}
