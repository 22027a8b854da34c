package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.sandbox.Kernel;
import dev.bpflab.testing.JsonInbox;
import dev.bpflab.testing.RunClient;
import dev.bpflab.testing.SandboxContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * "Run on all kernels" through /ws/run (docs/run-contract.md, "run_all"): the same program on every ready kernel of the
 * backend, one row per kernel. The rows are checked for every kernel the backend has, so a backend with two kernels
 * proves both. Each sandbox backend extends this with its profile.
 */
public abstract class MatrixContract extends SandboxContract {
    /** A matrix compiles, boots and loads on every kernel: under emulation, minutes. */
    private static final Duration MATRIX = Duration.ofSeconds(240);
    private static final Duration SOON = Duration.ofSeconds(20);

    @Test
    void aTracepointProgramRunsOnEveryKernelAndEachRowSaysWhatItSaw() {
        try (RunClient run = client()) {
            run.send(runAll(RunClient.program("unlink_events.bpf.c")).put("workload", "unlink-file"));
            List<ServerMessage.MatrixRow> rows = awaitMatrix(run);
            for (ServerMessage.MatrixRow row : rows) {
                String said = RunJson.write(row);
                assertEquals("ok", row.compile().wire(), said);
                assertEquals("accepted", row.verifier().wire(), said);
                assertEquals("attached", row.attach().wire(), said);
                assertEquals(null, row.error(), "the workload ran, nothing failed: " + said);
                assertTrue(row.events() >= 1, "the workload's unlinkat made an event: " + said);
                assertTrue(row.processed() != null && row.processed() >= 1, "the verifier's count: " + said);
                // The first events: on the local backend the host's own unlinks may come before the workload's.
                assertEquals(Math.min(5, row.events()), row.sample().size(), said);
                assertTrue(row.sample().stream().allMatch(e -> "events".equals(e.map())
                        && !e.fields().path("filename").asText().isEmpty()), said);
            }
            assertSandboxesBack();
        }
    }

    @Test
    void aProgramTheVerifierRejectsGetsARowOnItsLine() {
        try (RunClient run = client()) {
            run.send(runAll(RunClient.program("null_deref.bpf.c")));
            for (ServerMessage.MatrixRow row : awaitMatrix(run)) {
                String said = RunJson.write(row);
                assertEquals("ok", row.compile().wire(), said);
                assertEquals("rejected", row.verifier().wire(), said);
                assertEquals(null, row.attach(), "never attached: " + said);
                assertEquals(20, row.diagnostics().get(0).line(), said);
                assertTrue(row.diagnostics().get(0).message().contains("invalid mem access"), said);
                assertTrue(row.processed() != null && row.processed() >= 1, "from the rejection's log: " + said);
                assertEquals(0, row.events(), said);
            }
            assertSandboxesBack();
        }
    }

    @Test
    void aCompileErrorGetsARowOnItsLineAndNoSandbox() {
        try (RunClient run = client()) {
            run.send(runAll(RunClient.program("syntax_error.bpf.c")));
            for (ServerMessage.MatrixRow row : awaitMatrix(run)) {
                String said = RunJson.write(row);
                assertEquals("failed", row.compile().wire(), said);
                assertEquals(9, row.diagnostics().get(0).line(), said);
                assertEquals(11, row.diagnostics().get(0).column(), said);
                assertEquals(null, row.verifier(), said);
                assertEquals(null, row.attach(), said);
            }
            assertFalse(run.seen().stream().anyMatch(m -> "phase".equals(m.path("type").asText())
                    || "sandbox".equals(m.path("type").asText())), "nothing of a run is said: " + run.seen());

            run.send(RunJson.mapper().createObjectNode().put("type", "run_all").put("template", "no-such-template"));
            JsonNode refused = run.awaitType("error", SOON);
            assertTrue(refused.path("message").asText().contains("no-such-template"), refused.toString());
        }
    }

    @Test
    void stopEndsAMatrixInFlightAndItsSandboxesGoBack() {
        try (RunClient run = client()) {
            run.send(runAll(RunClient.program("unlink_events.bpf.c")).put("seconds", 15));
            run.awaitType("matrix", MATRIX);
            awaitLive(live -> live >= 1, MATRIX, "a kernel took its sandbox");
            run.stop();
            JsonNode done = run.awaitType("matrix_done", SOON);
            assertTrue(done.path("stopped").asBoolean(), done.toString());
            assertSandboxesBack();
            assertFalse(run.seen().stream().anyMatch(m -> "matrix_row".equals(m.path("type").asText())),
                    "no kernel had finished: " + run.seen());
            assertFalse(run.drain().stream().anyMatch(m -> "matrix_row".equals(m.path("type").asText())),
                    "nothing of the stopped matrix comes after its end");
        }
    }

    @Test
    void aSecondMatrixIsRefusedAndARunEndsTheFirst() {
        try (RunClient run = client()) {
            run.send(runAll(RunClient.program("unlink_events.bpf.c")).put("seconds", 15));
            run.awaitType("matrix", MATRIX);
            run.send(runAll(RunClient.program("null_deref.bpf.c")));
            JsonNode refused = run.awaitType("error", SOON);
            assertEquals("a run on all kernels is already under way on this connection: wait for its matrix_done, or "
                    + "send stop first", refused.path("message").asText());

            run.run(RunClient.program("unlink_events.bpf.c"));
            JsonNode done = run.awaitType("matrix_done", SOON);
            assertTrue(done.path("stopped").asBoolean(), done.toString());
            run.awaitPhase("attached", MATRIX);
            run.stop();
            run.awaitPhase("stopped", SOON);
            assertSandboxesBack();
            assertEquals(1, run.drain().stream().filter(m -> "matrix".equals(m.path("type").asText())).count(),
                    "the refused run_all started nothing");
        }
    }

    @Test
    void closingTheConnectionEndsAMatrixAndGivesItsSandboxesBack() {
        try (RunClient run = client()) {
            run.send(runAll(RunClient.program("unlink_events.bpf.c")).put("seconds", 15));
            run.awaitType("matrix", MATRIX);
            awaitLive(live -> live >= 1, MATRIX, "a kernel took its sandbox");
        }
        assertSandboxesBack();
    }

    /** {@code run_all} of {@code source}, collecting 2 s on each kernel. */
    private static ObjectNode runAll(String source) {
        return RunJson.mapper().createObjectNode().put("type", "run_all").put("source", source).put("seconds", 2);
    }

    /**
     * Waits for the matrix: it names every kernel of the backend (all ready here), then one row each and the end;
     * returns the rows, decoded as the contract's types.
     */
    private List<ServerMessage.MatrixRow> awaitMatrix(RunClient run) {
        JsonNode matrix = run.awaitType("matrix", MATRIX);
        List<String> ids = backend.kernels().stream().map(Kernel::id).toList();
        List<String> named = new ArrayList<>();
        matrix.path("kernels").forEach(k -> named.add(k.asText()));
        assertEquals(ids, named, matrix.toString());
        run.awaitType("matrix_done", MATRIX);
        List<ServerMessage.MatrixRow> rows = run.seen().stream()
                .filter(m -> "matrix_row".equals(m.path("type").asText()))
                .map(m -> (ServerMessage.MatrixRow) JsonInbox.typed(m)).toList();
        assertEquals(Set.copyOf(ids), rows.stream().map(ServerMessage.MatrixRow::kernel).collect(Collectors.toSet()),
                "one row per kernel: " + run.seen());
        assertEquals(ids.size(), rows.size(), run.seen().toString());
        rows.forEach(row -> System.out.println("matrix row on " + backend.name() + ": " + RunJson.write(row)));
        for (ServerMessage.MatrixRow row : rows) {
            Kernel kernel = backend.kernels().stream().filter(k -> k.id().equals(row.kernel())).findFirst()
                    .orElseThrow();
            assertEquals(kernel.name(), row.name());
            assertEquals(kernel.release(), row.release());
        }
        assertFalse(JsonInbox.typed(run.await("the end", m -> "matrix_done".equals(m.path("type").asText()), SOON))
                instanceof ServerMessage.MatrixDone done && done.stopped() != null, "it was not stopped");
        return rows;
    }

    /** Every sandbox the matrix took is given back: none live. */
    private void assertSandboxesBack() {
        awaitLive(live -> live == 0, SOON, "every sandbox went back");
    }

    private void awaitLive(java.util.function.IntPredicate wanted, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!wanted.test(backend.load().live())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " within " + timeout.toSeconds() + " s: " + backend.load());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
