package dev.bpflab.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A script creating rooms or share links in a loop is told to slow down, and the server stays up for everyone. */
@QuarkusTest
@TestProfile(RequestLimitsTest.LowLimits.class)
class RequestLimitsTest {

    public static class LowLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("bpflab.limits.rooms-per-minute", "2", "bpflab.limits.shares-per-minute", "2",
                    "bpflab.data-dir", "target/test-data-limits");
        }
    }

    @Test
    void roomsBeyondTheLimitAre429WithWhenToRetry() {
        for (int i = 0; i < 2; i++) {
            given().contentType(ContentType.JSON).body("{\"title\":\"room " + i + "\"}").when().post("/api/rooms")
                    .then().statusCode(201);
        }
        given().contentType(ContentType.JSON).body("{\"title\":\"one too many\"}").when().post("/api/rooms")
                .then().statusCode(429).header("Retry-After", notNullValue()).contentType(ContentType.JSON)
                .body("size()", equalTo(1))
                .body("message", containsString("Too many rooms created from your address (at most 2 a minute)"));
    }

    @Test
    void sharesBeyondTheLimitAre429AndReadingStillWorks() {
        String id = null;
        for (int i = 0; i < 2; i++) {
            id = given().contentType(ContentType.JSON).body("{\"source\":\"int x;\"}").when().post("/api/shares")
                    .then().statusCode(201).extract().path("id");
        }
        given().contentType(ContentType.JSON).body("{\"source\":\"int x;\"}").when().post("/api/shares")
                .then().statusCode(429).header("Retry-After", notNullValue()).contentType(ContentType.JSON)
                .body("size()", equalTo(1)).body("message", containsString("try again in"));
        given().when().get("/api/shares/" + id).then().statusCode(200);
    }
}
