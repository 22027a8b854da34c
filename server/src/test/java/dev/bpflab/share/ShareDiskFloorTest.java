package dev.bpflab.share;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** No new share while the data directory's file system has less free than bpflab.shares.min-free-mib. */
@QuarkusTest
@TestProfile(FullDiskProfile.class)
class ShareDiskFloorTest {
    @Test
    void aNearlyFullDiskTakesNoNewShare() throws IOException {
        given().contentType(ContentType.JSON).body("{\"source\":\"int x;\"}").when().post("/api/shares")
                .then().statusCode(507).contentType(ContentType.JSON)
                .body("size()", equalTo(1))
                .body("message", containsString("disk is nearly full"))
                .body("message", containsString("bpflab.shares.min-free-mib"))
                .body("message", not(containsString(FullDiskProfile.DATA_DIR)));
        Path shares = Path.of(FullDiskProfile.DATA_DIR, "shares");
        try (Stream<Path> files = Files.list(shares)) {
            assertEquals(0, files.count(), "nothing was written");
        }
    }
}
