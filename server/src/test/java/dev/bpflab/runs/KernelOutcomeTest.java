package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.bpflab.compiler.CompileResult;
import dev.bpflab.protocol.Diagnostic;
import dev.bpflab.protocol.LoadedProgram;
import dev.bpflab.protocol.MapEntry;
import dev.bpflab.protocol.MatrixRows;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.RunPhase;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.sandbox.Kernel;
import dev.bpflab.sandbox.Preparation;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A matrix row is made of what an untrusted agent said: every list in it is bounded however much the agent says, and
 * the row still says what happened (the first error, the verifier's count, the attach).
 */
class KernelOutcomeTest {
    private static final Kernel KERNEL = new Kernel("debian13", "Debian 13 (trixie)", "6.12.57+deb13-amd64",
            "clang 19", Preparation.READY);
    private static final byte[] OBJECT = {0x7f, 'E', 'L', 'F'};

    private static KernelOutcome attached() {
        KernelOutcome outcome = new KernelOutcome(KERNEL);
        outcome.compiled(new CompileResult(OBJECT, List.of(), "", true));
        outcome.agentSaid(ServerMessage.Phase.of(RunPhase.LOADING));
        outcome.agentSaid(ServerMessage.Phase.attached(List.of("handle → tracepoint (id 7)")));
        return outcome;
    }

    @Test
    void aFloodingAgentFillsTheRowOnlyToItsBounds() {
        KernelOutcome outcome = attached();
        for (int i = 0; i < 1000; i++) {
            outcome.agentSaid(new ServerMessage.Event("events", RunJson.mapper().createObjectNode().put("n", i)));
        }
        outcome.agentSaid(new ServerMessage.Event("events",
                RunJson.mapper().createObjectNode().put("big", "x".repeat(KernelOutcome.MAX_SAMPLED_EVENT_CHARS))));
        List<MapEntry> entries = IntStream.range(0, 500)
                .mapToObj(i -> MapEntry.of(IntNode.valueOf(i), IntNode.valueOf(i))).toList();
        for (int map = 0; map < 20; map++) {
            outcome.agentSaid(new ServerMessage.MapSnapshot("map" + map, entries));
        }
        outcome.agentSaid(new ServerMessage.MapSnapshot("map0", entries.subList(0, 3))); // the last snapshot counts

        ServerMessage.MatrixRow row = outcome.row();
        assertEquals(1001, row.events(), "every event is counted");
        assertEquals(MatrixRows.MAX_SAMPLE, row.sample().size());
        assertEquals(0, row.sample().get(0).fields().path("n").asInt(), "the first events are the sample");
        assertEquals(MatrixRows.MAX_MAPS, row.maps().size());
        assertEquals(3, row.maps().get(0).entries().size(), "map0's last snapshot");
        assertTrue(row.maps().stream().allMatch(m -> m.entries().size() <= MatrixRows.MAX_MAP_ENTRIES), row.toString());
        assertTrue(RunJson.write(row).length() < 64 * 1024, "a row stays small: " + RunJson.write(row).length());
    }

    @Test
    void aRejectionKeepsItsFirstDiagnosticsAndTheVerifiersCount() {
        KernelOutcome outcome = new KernelOutcome(KERNEL);
        outcome.compiled(new CompileResult(OBJECT, List.of(), "", true));
        outcome.agentSaid(ServerMessage.Phase.of(RunPhase.LOADING));
        List<Diagnostic> many = new ArrayList<>();
        for (int line = 1; line <= 50; line++) {
            many.add(new Diagnostic(line, 0, "error", "R0 invalid mem access 'map_value_or_null'"));
        }
        outcome.agentSaid(new ServerMessage.Diagnostics("verify", many,
                "processed 3 insns in a comment\n...\nprocessed 12 insns (limit 1000000) max_states_per_insn 0\n",
                false, "on_unlink", null));
        outcome.agentSaid(ServerMessage.Phase.of(RunPhase.FAILED));
        outcome.agentSaid(new ServerMessage.Error("a later complaint"));

        ServerMessage.MatrixRow row = outcome.row();
        assertEquals(MatrixRows.Verifier.REJECTED, row.verifier());
        assertEquals(12L, row.processed(), "the verifier's own summary, its last line");
        assertNull(row.attach(), "never attached, and not an attach failure");
        assertEquals(MatrixRows.MAX_DIAGNOSTICS, row.diagnostics().size());
        assertEquals(1, row.diagnostics().get(0).line());
        assertEquals("a later complaint", row.error());
    }

    @Test
    void aLoadFailureThatIsNotTheVerifiersIsAnAttachFailure() {
        KernelOutcome outcome = new KernelOutcome(KERNEL);
        outcome.compiled(new CompileResult(OBJECT, List.of(), "", true));
        outcome.agentSaid(ServerMessage.Phase.of(RunPhase.LOADING));
        outcome.agentSaid(new ServerMessage.Diagnostics("verify", List.of(new Diagnostic(12, 0, "error",
                "cannot attach SEC(\"kprobe/x\")")), "", false, "", null));
        outcome.agentSaid(new ServerMessage.Error("first"));
        outcome.agentSaid(new ServerMessage.Error("second"));
        outcome.agentSaid(ServerMessage.Phase.of(RunPhase.FAILED));

        ServerMessage.MatrixRow row = outcome.row();
        assertNull(row.verifier());
        assertEquals(MatrixRows.Attach.FAILED, row.attach());
        assertEquals(12, row.diagnostics().get(0).line());
        assertEquals("first", row.error(), "the first thing said is usually the cause");
    }

    @Test
    void theLoadedViewGivesTheProcessedCountOfEveryProgram() {
        KernelOutcome outcome = attached();
        outcome.agentSaid(new ServerMessage.LoadedPrograms(List.of(
                new LoadedProgram("a", 1, 10, null, 10L, null, null, null, List.of(), false),
                new LoadedProgram("b", 2, 20, null, 21L, null, null, null, List.of(), false),
                new LoadedProgram("c", 3, 5, null, null, null, null, null, List.of(), false)), false, null));
        outcome.agentSaid(new ServerMessage.WorkloadResult("unlink-file", false, "rm: not found"));
        outcome.agentSaid(new ServerMessage.Event("events", RunJson.mapper().createObjectNode().put("n", 1)));
        outcome.closeWindow();
        outcome.agentSaid(new ServerMessage.Event("events", RunJson.mapper().createObjectNode().put("n", 2)));
        outcome.agentSaid(new ServerMessage.MapSnapshot("late", List.of()));

        ServerMessage.MatrixRow row = outcome.row();
        assertEquals(31L, row.processed());
        assertEquals(1, row.events(), "only the events of the collection window");
        assertEquals(List.of(), row.maps());
        assertEquals(MatrixRows.Verifier.ACCEPTED, row.verifier());
        assertEquals(MatrixRows.Attach.ATTACHED, row.attach());
        assertEquals("the workload unlink-file failed: rm: not found", row.error());
        assertEquals("Debian 13 (trixie)", row.name());
    }
}
