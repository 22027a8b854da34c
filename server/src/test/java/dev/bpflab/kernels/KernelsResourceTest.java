package dev.bpflab.kernels;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import dev.bpflab.testing.KernelTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

/**
 * GET /api/kernels on the local backend: its one kernel, this host's, probed in a real agent on first asking. This
 * host is in lockdown (as CI is): ring buffers and open-coded iterators, no fentry (EPERM).
 */
@QuarkusTest
@KernelTest
class KernelsResourceTest {

    @Test
    void theHostsKernelIsListedReadyThenWithWhatItWasProbedToDo() throws Exception {
        given().when().get("/api/kernels").then().statusCode(200).contentType(ContentType.JSON)
                .body("default", equalTo("host"))
                .body("kernels", hasSize(1))
                .body("kernels[0].id", equalTo("host"))
                .body("kernels[0].name", equalTo("this host's kernel"))
                .body("kernels[0].release", equalTo(System.getProperty("os.version")))
                .body("kernels[0].state", equalTo("ready"))
                .body("kernels[0].default", equalTo(true));
        JsonPath probed = null;
        for (int i = 0; i < 120 && probed == null; i++) {
            JsonPath listed = given().when().get("/api/kernels").then().statusCode(200).extract().jsonPath();
            if (listed.get("kernels[0].features") != null) {
                probed = listed;
            } else {
                Thread.sleep(500);
            }
        }
        if (probed == null) {
            throw new AssertionError("the host's kernel was not probed within a minute: "
                    + given().when().get("/api/kernels").asString());
        }
        given().when().get("/api/kernels").then()
                .body("kernels[0].detail", nullValue())
                .body("kernels[0].features.ringbuf", equalTo(true))
                .body("kernels[0].features.open-coded-iterators", equalTo(true))
                .body("kernels[0].features.fentry", equalTo(false))
                .body("kernels[0].notes.fentry", containsString("EPERM"));
    }
}
