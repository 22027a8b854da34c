package dev.bpflab.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

/**
 * Every REST error, whoever refuses the request (a resource, or Quarkus before any resource runs), has the same
 * body: {@code {"message": "…"}} and nothing else, so the page can always show what went wrong.
 */
@QuarkusTest
class ApiErrorsTest {

    /** A JSON body with exactly one field, "message", and no trace of Java in it. */
    private static ValidatableResponse isErrorBody(ValidatableResponse response) {
        return response.contentType(ContentType.JSON).body("size()", equalTo(1))
                .body("message", not(containsString("Exception"))).body("message", not(containsString("\tat ")));
    }

    @Test
    void aBodyThatIsNotJsonIs400WithWhatTheParserSaid() {
        isErrorBody(given().contentType(ContentType.JSON).body("{\"params\": {").when()
                .post("/api/templates/hello/render").then().statusCode(400))
                .body("message", startsWith("The body is not valid JSON at line "));
        isErrorBody(given().contentType(ContentType.JSON).body("{not json").when().post("/api/shares").then()
                .statusCode(400)).body("message", startsWith("The body is not valid JSON at line "));
        isErrorBody(given().contentType(ContentType.JSON).body("{not json").when().post("/api/rooms/join").then()
                .statusCode(400)).body("message", startsWith("The body is not valid JSON at line "));
    }

    @Test
    void aBodyNestedTooDeeplyIsRefusedBeforeItIsBuilt() {
        String deep = "{\"params\": " + "[".repeat(200) + "]".repeat(200) + "}";
        isErrorBody(given().contentType(ContentType.JSON).body(deep).when().post("/api/templates/hello/render").then()
                .statusCode(400)).body("message", containsString("nesting depth"));
    }

    @Test
    void unknownThingsAre404WithTheirName() {
        isErrorBody(given().contentType(ContentType.JSON).body("{}").when().post("/api/templates/nope/render").then()
                .statusCode(404)).body("message", startsWith("no template named 'nope'; known templates: "));
        isErrorBody(given().when().get("/api/lessons/99-nope").then().statusCode(404))
                .body("message", containsString("no lesson '99-nope'"));
        isErrorBody(given().when().get("/api/shares/AAAAAAAAAAAAAAAAAAAAAA").then().statusCode(404))
                .body("message", containsString("No share with id"));
    }

    @Test
    void anUnknownRouteUnderApiIs404Json() {
        isErrorBody(given().when().get("/api/nope").then().statusCode(404))
                .body("message", startsWith("There is no GET /api/nope."));
        isErrorBody(given().accept("text/html").when().get("/api/templates/hello").then().statusCode(404))
                .body("message", startsWith("There is no GET /api/templates/hello."));
    }

    @Test
    void aMethodTheRouteDoesNotTakeIs405() {
        isErrorBody(given().when().delete("/api/templates").then().statusCode(405))
                .body("message", equalTo("/api/templates does not take DELETE."));
        isErrorBody(given().contentType(ContentType.JSON).body("{}").when().put("/api/lessons").then().statusCode(405))
                .body("message", equalTo("/api/lessons does not take PUT."));
    }

    @Test
    void aBodyOfAnotherMediaTypeIs415() {
        isErrorBody(given().contentType(ContentType.TEXT).body("params").when().post("/api/templates/hello/render")
                .then().statusCode(415)).body("message", containsString("Content-Type: application/json"));
    }

    /** Unmatched requests reach the mapper only after the static files had their turn: the page's bundles still load. */
    @Test
    void staticFilesAreStillServedAndAnUnknownPageIs404() {
        given().when().get("/static-probe.txt").then().statusCode(200).body(equalTo("static file\n"));
        isErrorBody(given().when().get("/no-such-page").then().statusCode(404))
                .body("message", equalTo("There is no page at /no-such-page. The lab is at /."));
    }
}
