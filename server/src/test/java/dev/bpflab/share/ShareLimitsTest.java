package dev.bpflab.share;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.testing.TightLimitsProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Shares are capped in number (3 here) and kept for a time (30 days here). A share is made older the way time would:
 * its file's modification time, which is when the server wrote it, is set back.
 */
@QuarkusTest
@TestProfile(TightLimitsProfile.class)
class ShareLimitsTest {
    private static final Path SHARES = Path.of(TightLimitsProfile.DATA_DIR, "shares");

    private static ValidatableResponse share(String source) {
        return given().contentType(ContentType.JSON).body("{\"source\":\"" + source + "\"}").when().post("/api/shares")
                .then();
    }

    /** Makes the share {@code days} old. */
    private static void age(String id, int days) throws IOException {
        Files.setLastModifiedTime(SHARES.resolve(id + ".json"),
                FileTime.from(Instant.now().minus(Duration.ofDays(days))));
    }

    private static List<String> stored() throws IOException {
        try (Stream<Path> files = Files.list(SHARES)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).toList();
        }
    }

    @Test
    void aFullServerRefusesNewSharesWith507UntilOldOnesExpire() throws IOException {
        List<String> ids = new ArrayList<>();
        ValidatableResponse answer;
        while ((answer = share("int x" + ids.size() + ";")).extract().statusCode() == 201) {
            ids.add(answer.extract().path("id"));
            assertTrue(ids.size() <= TightLimitsProfile.MAX_SHARES, "more shares than the cap were saved");
        }
        answer.statusCode(507).contentType(ContentType.JSON)
                .body("message", containsString("already keeps " + TightLimitsProfile.MAX_SHARES + " shares"))
                .body("message", containsString("bpflab.shares.max-count"))
                .body("message", containsString("deleted 30 days after"));
        assertEquals(TightLimitsProfile.MAX_SHARES, stored().size(), "the refused share left no file");

        for (String id : stored()) {
            age(id.replace(".json", ""), TightLimitsProfile.SHARE_DAYS + 1);
        }
        String fresh = share("int fresh;").statusCode(201).extract().path("id");
        assertEquals(List.of(fresh + ".json"), stored(), "the expired shares were deleted to make room");
    }

    @Test
    void anExpiredShareSaysSoAndIsDeleted() throws IOException {
        String id = share("int old;").statusCode(201).extract().path("id");
        age(id, TightLimitsProfile.SHARE_DAYS - 1);
        given().when().get("/api/shares/" + id).then().statusCode(200);

        age(id, TightLimitsProfile.SHARE_DAYS + 1);
        given().when().get("/api/shares/" + id).then().statusCode(410).contentType(ContentType.JSON)
                .body("message", containsString("This share link expired"))
                .body("message", containsString("kept for 30 days"));
        assertFalse(Files.exists(SHARES.resolve(id + ".json")), "it is deleted");
        given().when().get("/api/shares/" + id).then().statusCode(404)
                .body("message", containsString("No share with id"))
                .body("message", containsString("an older link has expired"));
    }
}
