package dev.bpflab.sandbox;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * /q/health is open to anyone who reaches the server: a sandbox that cannot start says so and why, without the
 * host's paths. (The qemu backend here fails before it starts anything: its run directory cannot be made.)
 */
@QuarkusTest
@TestProfile(SandboxHealthTest.UnusableRunDir.class)
class SandboxHealthTest {
    public static class UnusableRunDir implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("bpflab.sandbox.backend", "qemu", "bpflab.qemu.run-dir", "/proc/bpflab-health-test/run");
        }
    }

    @Test
    void aBackendThatCannotStartIsDownWithItsReasonButNoPath() {
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'sandbox' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'sandbox' }.data.backend", equalTo("qemu"))
                .body("checks.find { it.name == 'sandbox' }.data.status", containsString("cannot use [path] for the VMs"))
                .body("checks.find { it.name == 'sandbox' }.data.status", not(containsString("/proc")));
    }
}
