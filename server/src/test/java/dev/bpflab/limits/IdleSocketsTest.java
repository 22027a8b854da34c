package dev.bpflab.limits;

import static dev.bpflab.limits.Hostile.PROGRAM;
import static dev.bpflab.limits.Hostile.START;
import static dev.bpflab.limits.Hostile.SOON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.testing.KernelTest;
import dev.bpflab.testing.RunClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * Sockets left open with nothing running are closed (after 2 s in this profile); a socket whose run sees no events for
 * a long while is not idle.
 */
@QuarkusTest
@TestProfile(IdleSocketsProfile.class)
@KernelTest
class IdleSocketsTest extends HostileClientTest {
    @Test
    void anIdleSocketIsClosedButAQuietRunKeepsItsSocketOpen() throws Exception {
        try (RunClient idle = Hostile.from(root, "10.4.0.2"); RunClient watching = Hostile.from(root, "10.4.0.3")) {
            watching.run(PROGRAM);
            watching.awaitPhase("attached", START);
            Hostile.await("the idle socket closed", () -> idle.closeCode() != null, SOON);
            assertEquals(1000, idle.closeCode());
            assertTrue(idle.closeReason().contains("without a run or a message"), idle.closeReason());

            Thread.sleep(5000); // over twice the idle timeout: the run keeps its socket, with events or (mostly) none
            assertNull(watching.closeCode(), "a socket with a run is not idle, events or not");
            watching.workload("unlink-file");
            watching.awaitType("event", SOON);

            watching.stop();
            watching.awaitPhase("stopped", SOON);
            Hostile.await("the socket closed once its run ended and it stayed idle", () -> watching.closeCode() != null,
                    SOON);
        }
    }
}
