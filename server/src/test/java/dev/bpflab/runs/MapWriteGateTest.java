package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.protocol.ServerMessage;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The server's side of a map write: only maps the run's snapshots named, and a bounded rate per connection. */
class MapWriteGateTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final MapWriteGate gate = new MapWriteGate(now::get);

    @Test
    void aMapNoSnapshotNamedIsRefusedNamingTheOnesThatCanBeWritten() {
        ServerMessage.MapWritten refused = gate.refusal("events", "update");
        assertTrue(refused.detail().endsWith("(none has yet)"), refused.detail());
        gate.seen("drops");
        gate.seen("blocked_ports");
        refused = gate.refusal("events", "delete");
        assertEquals("delete", refused.op());
        assertTrue(refused.detail().startsWith("no map named 'events' has shown in the Maps tab of this run"), refused.detail());
        assertTrue(refused.detail().endsWith("(this run's: drops, blocked_ports)"), refused.detail());
        assertNull(gate.refusal("drops", "update"));
    }

    @Test
    void aBurstBeyondTheRateIsRefusedNotQueuedAndTheBudgetComesBack() {
        gate.seen("blocked_ports");
        for (int i = 0; i < MapWriteGate.PER_SECOND; i++) {
            assertNull(gate.refusal("blocked_ports", "update"), "write " + (i + 1) + " of a burst");
        }
        ServerMessage.MapWritten refused = gate.refusal("blocked_ports", "update");
        assertTrue(refused.detail().startsWith("at most " + MapWriteGate.PER_SECOND + " map writes a second"), refused.detail());
        now.addAndGet(1_000_000_000L / MapWriteGate.PER_SECOND);
        assertNull(gate.refusal("blocked_ports", "update"), "one more after a twentieth of a second");
        assertTrue(gate.refusal("blocked_ports", "update") != null, "and only one");
    }
}
