package dev.bpflab.share;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.testing.Prerequisites;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(DataDirProfile.class)
class ShareResourceTest {

    @Test
    void aShareIsStoredUnderTheDataDirAndReadBack() {
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("source", "SEC(\"tp\") int f(void *c) { return 0; }\n", "template", "unlinkat",
                        "params", Map.of("comm", "rm", "limit", 10)))
                .when().post("/api/shares")
                .then().statusCode(201)
                .body("id", matchesPattern("[A-Za-z0-9_-]{22}"))
                .extract().path("id");

        assertTrue(Files.isRegularFile(Path.of(DataDirProfile.DATA_DIR, "shares", id + ".json")));
        given().when().get("/api/shares/" + id)
                .then().statusCode(200)
                .body("id", equalTo(id))
                .body("source", equalTo("SEC(\"tp\") int f(void *c) { return 0; }\n"))
                .body("template", equalTo("unlinkat"))
                .body("params.comm", equalTo("rm"))
                .body("params.limit", equalTo(10));
    }

    @Test
    void aShareCarriesTheLessonStepAndTheChecksPassed() {
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("source", "int x;", "lesson", Map.of("id", "02-watch-syscalls", "step", 3),
                        "progress", java.util.List.of("01-kernel-syscalls/2", "02-watch-syscalls/1")))
                .when().post("/api/shares").then().statusCode(201).extract().path("id");
        given().when().get("/api/shares/" + id).then().statusCode(200)
                .body("lesson.id", equalTo("02-watch-syscalls")).body("lesson.step", equalTo(3))
                .body("progress[0]", equalTo("01-kernel-syscalls/2")).body("progress[1]", equalTo("02-watch-syscalls/1"));

        given().contentType(ContentType.JSON).body("{\"source\":\"x\",\"lesson\":{\"id\":\"../etc\",\"step\":1}}")
                .when().post("/api/shares").then().statusCode(400).body("message", containsString("\"lesson\" must be"));
        given().contentType(ContentType.JSON).body("{\"source\":\"x\",\"progress\":[\"<script>\"]}")
                .when().post("/api/shares").then().statusCode(400).body("message", containsString("<lesson id>/<step>"));
    }

    @Test
    void sourceOnlySharesWork() {
        String id = given().contentType(ContentType.JSON).body("{\"source\":\"int x;\"}")
                .when().post("/api/shares").then().statusCode(201).extract().path("id");
        given().when().get("/api/shares/" + id).then().statusCode(200)
                .body("source", equalTo("int x;")).body("template", nullValue()).body("params", nullValue())
                .body("lesson", nullValue()).body("progress", nullValue());
    }

    @Test
    void anOversizedBodyIs413WithAMessage() {
        String big = "{\"source\":\"" + "a".repeat(ShareResource.MAX_BODY_BYTES) + "\"}";
        given().contentType(ContentType.JSON).body(big)
                .when().post("/api/shares")
                .then().statusCode(413).contentType(ContentType.JSON)
                .body("message", containsString("at most"));
    }

    @Test
    void badBodiesAre400WithAMessage() {
        given().contentType(ContentType.JSON).body("{not json")
                .when().post("/api/shares").then().statusCode(400).body("message", containsString("not valid JSON"));
        given().contentType(ContentType.JSON).body("{\"template\":\"x\"}")
                .when().post("/api/shares").then().statusCode(400).body("message", containsString("\"source\""));
        given().contentType(ContentType.JSON).body("{\"source\":\"" + "b".repeat(ShareStore.MAX_SOURCE_CHARS + 10) + "\"}")
                .when().post("/api/shares").then().statusCode(400).body("message", containsString("at most"));
    }

    @Test
    void unknownAndMalformedIdsAre404() {
        given().when().get("/api/shares/AAAAAAAAAAAAAAAAAAAAAA").then().statusCode(404)
                .body("message", containsString("No share"));
        given().when().get("/api/shares/..%2F..%2Fetc%2Fpasswd").then().statusCode(404);
    }

    @Test
    void theShareRouteServesTheLabPage() {
        Prerequisites.require(Thread.currentThread().getContextClassLoader().getResource(LabPageResource.PAGE) != null,
                "the web page was not built (-Dskip.web=true)");
        given().when().get("/s/AAAAAAAAAAAAAAAAAAAAAA").then().statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString("/app-"));
        given().when().get("/").then().statusCode(200).body(containsString("id=\"editor\""));
    }
}
