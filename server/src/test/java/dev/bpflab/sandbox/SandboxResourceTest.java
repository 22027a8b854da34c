package dev.bpflab.sandbox;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * what an operator reads.
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
                .body("backend", equalTo("local")).body("live", equalTo(0)).body("capacity", equalTo(1))
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

    static void await(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + " within " + timeout.toSeconds() + " s");
            Thread.sleep(20);
        }
    }
}
