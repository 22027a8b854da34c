package dev.bpflab.lessons;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.testing.RunClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lessons over HTTP, and the check message's answers when it cannot grade anything. */
@QuarkusTest
class LessonsResourceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SOON = Duration.ofSeconds(10);

    @TestHTTPResource("/")
    URI root;

    @Test
    void theListFollowsTheTalkInOrderInBothLanguages() {
        List<String> ids = given().when().get("/api/lessons").then().statusCode(200)
                .body("$", hasSize(greaterThanOrEqualTo(8)))
                .body("title.es", everyItem(notNullValue())).body("title.en", everyItem(notNullValue()))
                .body("steps", everyItem(greaterThanOrEqualTo(1)))
                .extract().jsonPath().getList("id", String.class);
        assertEquals(ids.stream().sorted().toList(), ids, "listed in order");
        assertTrue(ids.get(0).startsWith("01-"), ids.toString());
    }

    @Test
    void eachLessonSaysWhatItNeedsOfItsKernel() {
        given().when().get("/api/lessons").then().statusCode(200)
                .body("find { it.id == '07-lsm-security' }.needs", equalTo(List.of("lsm", "ringbuf")))
                .body("find { it.id == '01-kernel-syscalls' }.needs", equalTo(List.of()))
                .body("find { it.id == '07-lsm-security' }", org.hamcrest.Matchers.hasKey("kernel"));
    }

    @Test
    void aLessonHasItsTextPerStepItsCodeAndWhichStepsAreChecked() {
        given().when().get("/api/lessons/02-watch-syscalls").then().statusCode(200)
                .body("template", notNullValue())
                .body("start", containsString("SEC(\""))
                .body("solution", containsString("SEC(\""))
                .body("text.es.steps.size()", equalTo(given().get("/api/lessons/02-watch-syscalls").path("steps.size()")))
                .body("text.en.steps.title", everyItem(not(equalTo(""))))
                .body("steps.find { it.check != null }.check.workloads", not(hasSize(0)))
                // the expectations are the answer key: they stay on the server
                .body("steps.find { it.check != null }.check.expect", equalTo(null));
    }

    @Test
    void anUnknownLessonIs404WithAMessage() {
        given().when().get("/api/lessons/99-nope").then().statusCode(404)
                .body("message", containsString("GET /api/lessons"));
    }

    @Test
    void aCheckWithoutARunningProgramSaysToPressRunFirst() {
        try (RunClient run = new RunClient(root)) {
            run.send(JSON.createObjectNode().put("type", "check").put("lesson", "02-watch-syscalls").put("step", lastChecked())
                    .put("lang", "es"));
            JsonNode result = run.awaitType("check", SOON);
            assertFalse(result.path("passed").asBoolean());
            assertTrue(result.path("message").asText().startsWith("Primero presioná Correr"), result.toString());

            run.send(JSON.createObjectNode().put("type", "check").put("lesson", "no-such-lesson").put("step", 0));
            assertTrue(run.awaitType("error", SOON).path("message").asText().contains("no lesson 'no-such-lesson'"));
            run.send(JSON.createObjectNode().put("type", "check").put("lesson", "02-watch-syscalls").put("step", "one"));
            run.await("an error about the step", m -> "error".equals(m.path("type").asText())
                    && m.path("message").asText().startsWith("check: \"step\" must be a whole number"), SOON);
            run.send(JSON.createObjectNode().put("type", "check").put("lesson", "02-watch-syscalls").put("step", 0));
            run.await("an error about a step without a check", m -> "error".equals(m.path("type").asText())
                    && m.path("message").asText().contains("has no check"), SOON);
        }
    }

    private static int lastChecked() {
        List<Object> checks = given().get("/api/lessons/02-watch-syscalls").jsonPath().getList("steps.check");
        for (int i = checks.size() - 1; i >= 0; i--) {
            if (checks.get(i) != null) {
                return i;
            }
        }
        throw new AssertionError("lesson 02 has no check");
    }
}
