package dev.bpflab.rooms;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.bpflab.testing.TightLimitsProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One client address holds at most {@code bpflab.limits.rooms-per-address} open rooms (2 here). */
@QuarkusTest
@TestProfile(TightLimitsProfile.class)
class RoomsPerAddressTest {
    private static ValidatableResponse create(String title) {
        return given().contentType(ContentType.JSON).body(Map.of("title", title)).when().post("/api/rooms").then();
    }

    @Test
    void anAddressThatHoldsItsCapIsRefusedUntilItClosesOne() {
        List<Map<String, String>> mine = new ArrayList<>();
        for (int i = 0; i < TightLimitsProfile.ROOMS_PER_ADDRESS; i++) {
            var body = create("room " + i).statusCode(201).extract();
            mine.add(Map.of("id", body.path("roomId"), "secret", body.path("instructorSecret")));
        }
        create("one too many").statusCode(429).contentType(ContentType.JSON)
                .body("size()", equalTo(1))
                .body("message", containsString("already has " + TightLimitsProfile.ROOMS_PER_ADDRESS + " open rooms"))
                .body("message", containsString("bpflab.limits.rooms-per-address"))
                .body("message", containsString("closes by itself"));

        given().header("Authorization", "Bearer " + mine.get(0).get("secret"))
                .when().delete("/api/rooms/" + mine.get(0).get("id")).then().statusCode(204);
        var again = create("after closing one").statusCode(201).extract();
        create("still at the cap").statusCode(429);

        for (Map<String, String> room : List.of(mine.get(1),
                Map.of("id", again.<String>path("roomId"), "secret", again.<String>path("instructorSecret")))) {
            given().header("Authorization", "Bearer " + room.get("secret")).when().delete("/api/rooms/" + room.get("id"))
                    .then().statusCode(204);
        }
    }
}
