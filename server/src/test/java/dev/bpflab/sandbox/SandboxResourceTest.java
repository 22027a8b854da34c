package dev.bpflab.sandbox;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.protocol.PreparationStage;
import dev.bpflab.testing.PreparingBackend;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/sandbox} and /q/health, with one run allowed at once: what a learner whose run waits is shown, and
 * what an operator reads; and while the lab prepares (a backend whose stages the test moves), which stage it is in,
 * or once it failed, what to do.
 */
@QuarkusTest
@TestProfile(SandboxResourceTest.OneAtATime.class)
class SandboxResourceTest {
    private static final Duration AGENT_START = Duration.ofMinutes(2);

    /** The local backend, one live run, one warm agent. */
    public static class OneAtATime implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("bpflab.sandbox.max-live", "1", "bpflab.local.warm-agents", "1");
        }
    }

    @Inject
    SandboxBackend backend;

    @Test
    void anIdleServerHasItsWarmAgentPooledAndNobodyWaiting() throws InterruptedException {
        await("the warm agent is ready", () -> backend.load().pooled() == 1, AGENT_START);
        given().get("/api/sandbox").then().statusCode(200).contentType("application/json")
                .body("backend", equalTo("local")).body("state", equalTo("ready")).body("live", equalTo(0))
                .body("capacity", equalTo(1))
                .body("waiting", equalTo(0)).body("pooled", equalTo(1));
    }

    @Test
    void aRunWaitingBehindTheOnlySandboxIsCounted() throws Exception {
        ExecutorService runs = Executors.newFixedThreadPool(1);
        try (AgentChannel holder = backend.acquire(position -> { })) {
            Future<AgentChannel> waiter = runs.submit(() -> backend.acquire(position -> { }));
            await("the second run waits", () -> backend.load().waiting() == 1, AGENT_START);
            given().get("/api/sandbox").then().statusCode(200)
                    .body("live", equalTo(1)).body("capacity", equalTo(1)).body("waiting", equalTo(1));
            given().get("/q/health/ready").then().statusCode(200)
                    .body("checks.find { it.name == 'sandbox' }.data.live", equalTo(1))
                    .body("checks.find { it.name == 'sandbox' }.data.waiting", equalTo(1))
                    .body("checks.find { it.name == 'sandbox' }.data.capacity", equalTo(1))
                    .body("checks.find { it.name == 'sandbox' }.data.backend", equalTo("local"));
            waiter.cancel(true); // the learner stops the queued run: it leaves the queue
            await("the queue is empty", () -> backend.load().waiting() == 0, AGENT_START);
        } finally {
            runs.shutdownNow();
        }
        await("the sandbox is given back", () -> backend.load().live() == 0, AGENT_START);
        await("a warm agent is ready again", () -> backend.load().pooled() == 1, AGENT_START);
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'sandbox' }.data.pooled", equalTo(1));
    }

    @Test
    void whileTheLabPreparesTheApiSaysTheStageAndOnceItFailedWhatToDo() {
        PreparingBackend preparing = new PreparingBackend(ClientProxy.unwrap(backend), PreparationStage.IMAGE_CHECK);
        QuarkusMock.installMockForType(preparing, SandboxBackend.class);
        preparing.enter(PreparationStage.HEADERS);
        given().get("/api/sandbox").then().statusCode(200).body("state", equalTo("preparing"))
                .body("preparing.stage", equalTo("headers")).body("preparing.step", equalTo(2))
                .body("preparing.steps", equalTo(4))
                .body("preparing.text", equalTo("compiling the guest kernel's headers"))
                .body("problem", nullValue());
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'sandbox' }.data.preparation", equalTo("preparing"))
                .body("checks.find { it.name == 'sandbox' }.data.preparationStage", equalTo("headers"));

        preparing.fail("cannot write /var/cache/bpflab/headers/6.1.0-40-amd64/vmlinux.h.pch: no space left on device");
        given().get("/api/sandbox").then().statusCode(200).body("state", equalTo("failed"))
                .body("preparing", nullValue())
                .body("problem", containsString("while compiling the guest kernel's headers: cannot write "
                        + "[path]: no space left on device. What to do: read the server's log"))
                .body("problem", not(containsString("/var/cache")));
        given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'sandbox' }.data.preparation", equalTo("failed"));
    }

    static void await(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + " within " + timeout.toSeconds() + " s");
            Thread.sleep(20);
        }
    }
}
