package dev.bpflab.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.protocol.Diagnostic;
import dev.bpflab.protocol.RunPhase;
import dev.bpflab.protocol.ServerMessage;
import dev.bpflab.runs.RunActivity;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A student's dashboard status as their runs report it, without rooms, locks or a server: one {@link Student}, a
 * sequence of {@link RunActivity}, and the times they happen at.
 */
class StudentStatusTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final String TOKEN = "learner-token";

    private final Student ada = new Student("s1", "digest", "Ada", T0);

    private boolean run(long session, String source, long at) {
        return StudentStatus.apply(ada, RunActivity.run(session, TOKEN, source), at);
    }

    private boolean says(long session, ServerMessage message, long at) {
        return StudentStatus.apply(ada, RunActivity.message(session, TOKEN, message, 0), at);
    }

    private boolean events(long session, long count, long at) {
        return StudentStatus.apply(ada, RunActivity.events(session, TOKEN, count), at);
    }

    private boolean closed(long session, long at) {
        return StudentStatus.apply(ada, RunActivity.closed(session, TOKEN), at);
    }

    private static ServerMessage.Diagnostics diagnostics(String stage, Diagnostic... items) {
        return new ServerMessage.Diagnostics(stage, List.of(items), null, null, null, null);
    }

    private static ServerMessage.CheckResult check(String lesson, int step, boolean passed, String message) {
        return new ServerMessage.CheckResult(lesson, step, null, passed, message, null);
    }

    @Test
    void theRowSaysTheKernelOfTheLastRunAndWhatItLacked() {
        assertTrue(StudentStatus.apply(ada, RunActivity.run(1, TOKEN, "bpf_for", "debian12"), T0 + 10));
        assertEquals("debian12", ada.kernel);
        assertTrue(says(1, diagnostics("kernel", new Diagnostic(3, 5, "error", "bpf_for needs open-coded iterators "
                + "(Linux 6.4)")), T0 + 20));
        assertEquals("kernel", ada.diagnostic.stage());
        assertEquals(3, ada.diagnostic.line());
        assertTrue(StudentStatus.apply(ada, RunActivity.run(2, TOKEN, "bpf_for", "debian13"), T0 + 30));
        assertEquals("debian13", ada.kernel, "the latest Run's");
        assertNull(ada.diagnostic);
    }

    @Test
    void aRunGoesThroughItsPhases() {
        assertTrue(run(1, "int x;", T0 + 10));
        assertEquals("compiling", ada.phase);
        assertEquals(1, ada.runs);
        assertEquals(T0 + 10, ada.phaseAt);
        assertEquals("int x;", ada.source);
        assertEquals("run", ada.sourceOrigin);
        assertEquals(T0 + 10, ada.lastActivity);

        assertTrue(says(1, ServerMessage.Phase.queued(3), T0 + 20));
        assertEquals(3, ada.queuePosition, "queued #3");
        assertTrue(says(1, ServerMessage.Phase.of(RunPhase.COMPILING), T0 + 30));
        assertEquals("compiling", ada.phase);
        assertNull(ada.queuePosition, "out of the queue");
        assertEquals(T0 + 30, ada.phaseAt);
        assertTrue(says(1, ServerMessage.Phase.attached(List.of("handle → tracepoint/syscalls/sys_enter_unlinkat")),
                T0 + 40));
        assertEquals("attached", ada.phase);
        assertFalse(says(1, new ServerMessage.Sandbox("local", "this host"), T0 + 45), "nothing the dashboard shows");
        assertEquals(T0 + 40, ada.lastActivity);

        assertTrue(events(1, 5, T0 + 50));
        assertEquals(5, ada.events);
        assertFalse(events(1, 5, T0 + 60), "the same count again changes nothing");
        assertTrue(says(1, ServerMessage.Phase.of(RunPhase.STOPPED), T0 + 70));
        assertEquals("stopped", ada.phase);
        assertEquals(T0 + 70, ada.phaseAt);
        assertFalse(closed(1, T0 + 80), "the page going away after the run stopped changes nothing");
        assertEquals("stopped", ada.phase);
        assertEquals(T0 + 70, ada.phaseAt);
    }

    @Test
    void closingThePageOfALiveRunStopsIt() {
        run(1, "x", T0);
        says(1, ServerMessage.Phase.queued(2), T0 + 1);
        assertTrue(closed(1, T0 + 5));
        assertEquals("stopped", ada.phase, "a queued run whose page went away is over");
        assertNull(ada.queuePosition);
        assertEquals(T0 + 5, ada.phaseAt);
        assertFalse(says(1, ServerMessage.Phase.of(RunPhase.ATTACHED), T0 + 6), "the closed connection is stale now");
        assertEquals("stopped", ada.phase);
    }

    @Test
    void warningsOnlyAreNoFailure() {
        run(1, "x", T0);
        assertFalse(says(1, diagnostics("compile", new Diagnostic(3, 1, "warning", "unused variable 'x'"),
                new Diagnostic(3, 1, "note", "declared here")), T0 + 1));
        assertNull(ada.diagnostic);
        assertEquals(0, ada.failStreak);
    }

    @Test
    void theFirstErrorIsShownAndFailedRunsInARowCount() {
        run(1, "x", T0);
        assertTrue(says(1, diagnostics("compile", new Diagnostic(2, 5, "warning", "unused"),
                new Diagnostic(9, 11, "error", "expected ';' after expression\n  x = 1\n    ^"),
                new Diagnostic(12, 0, "fatal", "too many errors")), T0 + 1));
        says(1, ServerMessage.Phase.of(RunPhase.FAILED), T0 + 2);
        Student.Diagnostic d = ada.diagnostic;
        assertEquals("compile", d.stage());
        assertEquals(9, d.line(), "the first error, not the warning before it");
        assertEquals(11, d.column());
        assertEquals("expected ';' after expression", d.message(), "only its first line");
        assertEquals(2, d.errors(), "errors and fatal errors, not warnings");
        assertEquals(1, ada.failStreak);
        assertEquals("failed", ada.phase);

        run(2, "y", T0 + 10);
        assertNull(ada.diagnostic, "a new run clears the last diagnostic");
        assertEquals(1, ada.failStreak, "but the streak stays until a run attaches");
        says(2, diagnostics("verify", new Diagnostic(0, 0, "error", "R1 invalid mem access 'scalar'")), T0 + 11);
        assertEquals("verify", ada.diagnostic.stage());
        assertNull(ada.diagnostic.line(), "line 0 means unknown");
        assertNull(ada.diagnostic.column());
        assertEquals(2, ada.failStreak, "stuck: two failed runs in a row");

        run(3, "z", T0 + 20);
        says(3, ServerMessage.Phase.attached(null), T0 + 21);
        assertEquals(0, ada.failStreak, "attached ends the streak");
    }

    @Test
    void aReplacedConnectionsLateMessagesAreStale() {
        run(1, "v1", T0);
        says(1, ServerMessage.Phase.of(RunPhase.ATTACHED), T0 + 1);
        events(1, 4, T0 + 2);
        run(2, "v2", T0 + 3);
        assertEquals(0, ada.events, "a new run starts counting again");
        assertFalse(says(1, ServerMessage.Phase.of(RunPhase.STOPPED), T0 + 4));
        assertFalse(says(1, diagnostics("verify", new Diagnostic(1, 1, "error", "late")), T0 + 5));
        assertFalse(says(1, new ServerMessage.WorkloadResult("unlink-file", true, "rm victim"), T0 + 6));
        assertFalse(events(1, 9, T0 + 7));
        assertFalse(closed(1, T0 + 8));
        assertEquals("compiling", ada.phase);
        assertEquals(T0 + 3, ada.phaseAt);
        assertEquals(0, ada.events);
        assertNull(ada.diagnostic);
        assertNull(ada.workload);
        assertEquals(0, ada.failStreak);
        assertEquals(2, ada.runs);
        assertEquals("v2", ada.source);
        assertEquals(T0 + 3, ada.lastActivity);
        assertTrue(says(2, ServerMessage.Phase.of(RunPhase.ATTACHED), T0 + 9), "the new connection still counts");
    }

    @Test
    void nothingCountsBeforeTheFirstRunExceptChecksAndErrors() {
        assertFalse(says(1, ServerMessage.Phase.of(RunPhase.ATTACHED), T0 + 1));
        assertFalse(events(1, 3, T0 + 2));
        assertFalse(closed(1, T0 + 3));
        assertFalse(closed(0, T0 + 3));
        assertNull(ada.phase);
        assertEquals(T0, ada.lastActivity);
        assertTrue(says(1, new ServerMessage.Error("The program is empty.\nWrite a program first."), T0 + 4));
        assertEquals("The program is empty.", ada.error);
        assertEquals(T0 + 4, ada.lastActivity);
    }

    @Test
    void anErrorOfTheLatestRunOrOfALaterRefusedPressShowsAndANewRunClearsIt() {
        run(2, "x", T0);
        assertTrue(says(2, new ServerMessage.Error("  The sandbox\u0007 is busy;\ttry again  \nin a minute"), T0 + 1));
        assertEquals("The sandbox is busy; try again", ada.error, "one clean line");
        run(3, "x", T0 + 2);
        assertNull(ada.error);
        // Run pressed again and refused before it began: the page shows that error on its newest socket.
        assertTrue(says(4, new ServerMessage.Error("too many runs (at most 30 a minute): try again in 4 s"), T0 + 3));
        assertEquals("too many runs (at most 30 a minute): try again in 4 s", ada.error);
        run(5, "x", T0 + 4);
        assertNull(ada.error, "a newer Run supersedes the refusal");
    }

    @Test
    void aRefusalOfAnOlderPressHandledLateLeavesTheLiveRunAlone() {
        // About 40 quick presses: press 39 was refused over the rate limit, but its worker got to it after press 41
        // had started; the page listens only to press 41's socket, which is attached.
        run(41, "v41", T0);
        says(41, ServerMessage.Phase.attached(null), T0 + 1);
        assertFalse(says(39, new ServerMessage.Error("too many runs (at most 30 a minute): try again in 4 s"), T0 + 2));
        assertNull(ada.error);
        assertEquals("attached", ada.phase);
    }

    @Test
    void aReplacedRunsTimeLimitErrorIsStale() {
        run(1, "v1", T0);
        says(1, ServerMessage.Phase.attached(null), T0 + 1);
        run(2, "v2", T0 + 2);
        says(2, ServerMessage.Phase.attached(null), T0 + 3);
        assertFalse(says(1, new ServerMessage.Error("the run reached its time limit of 300 s"), T0 + 4));
        closed(2, T0 + 5);
        assertFalse(says(2, new ServerMessage.Error("the run reached its time limit of 300 s"), T0 + 6),
                "nor from the latest run's connection once it closed: nobody reads it");
        assertNull(ada.error);
    }

    @Test
    void anOlderPressesRunHandledLateDoesNotTakeOver() {
        run(31, "v31", T0);
        assertFalse(run(30, "v30", T0 + 1), "press 30 reached its worker after press 31");
        assertEquals("v31", ada.source);
        assertEquals(1, ada.runs);
        assertTrue(says(31, ServerMessage.Phase.attached(null), T0 + 2));
        assertFalse(closed(30, T0 + 3), "the page closing press 30's socket ends nothing");
        assertEquals("attached", ada.phase);
    }

    @Test
    void checksSetTheStepAndCountEachPassedStepOnce() {
        assertTrue(says(1, check("xdp", 1, true, "ok"), T0 + 1));
        assertTrue(says(2, check("xdp", 1, true, "ok again"), T0 + 2), "from any connection");
        assertTrue(says(2, check("xdp", 2, false, "no packet was dropped yet\ndetails"), T0 + 3));
        assertEquals("xdp", ada.lesson);
        assertEquals(2, ada.step);
        assertEquals(List.of("xdp/1"), ada.passed, "a step passed twice counts once");
        Student.Check c = ada.check;
        assertEquals("xdp", c.lesson());
        assertEquals(2, c.step());
        assertFalse(c.passed());
        assertEquals("no packet was dropped yet", c.message());
        assertEquals(T0 + 3, c.at());
        assertEquals(T0 + 3, ada.lastActivity);
    }

    @Test
    void aCheckOfAnOddLessonIdMovesNobody() {
        ada.lesson = "hello";
        ada.step = 2;
        assertTrue(says(1, check("../../etc", 1, true, "ok"), T0 + 1));
        assertEquals("hello", ada.lesson);
        assertEquals(2, ada.step);
        assertEquals(List.of(), ada.passed);
        assertNull(ada.check.lesson());
        assertTrue(ada.check.passed(), "the verdict is still shown");
        assertTrue(says(1, check("xdp", -1, true, "ok"), T0 + 2));
        assertNull(ada.step, "a step out of range is no step");
        assertEquals(List.of("xdp/"), ada.passed);
    }

    @Test
    void aTemplatesCheckIsShownButPassesNoLessonStep() {
        ada.lesson = "hello";
        ada.step = 2;
        assertTrue(says(1, new ServerMessage.CheckResult(null, null, "unlinkat", true, "ok", null), T0 + 1));
        assertTrue(ada.check.passed(), "the verdict is shown");
        assertEquals("hello", ada.lesson, "the learner stays on their lesson");
        assertEquals(2, ada.step);
        assertEquals(List.of(), ada.passed);
    }

    @Test
    void aWorkloadResultIsShownOnItsRun() {
        run(1, "x", T0);
        assertTrue(says(1, new ServerMessage.WorkloadResult("unlink-file", false, "permission denied\nstack…"), T0 + 1));
        assertEquals("unlink-file", ada.workload.name());
        assertFalse(ada.workload.ok());
        assertEquals("permission denied", ada.workload.detail());
        run(2, "x", T0 + 2);
        assertNull(ada.workload, "a new run clears it");
    }

    @Test
    void aRunWithoutSourceKeepsTheLastCodeAndHugeCodeIsCut() {
        run(1, "first", T0);
        run(2, null, T0 + 1);
        assertEquals("first", ada.source);
        assertEquals(T0, ada.sourceAt);
        run(3, "y".repeat(StudentStatus.MAX_SOURCE_CHARS + 10), T0 + 2);
        assertTrue(ada.source.startsWith("y".repeat(StudentStatus.MAX_SOURCE_CHARS) + "\n/* … cut here by bpflab"),
                ada.source.substring(StudentStatus.MAX_SOURCE_CHARS));
        assertFalse(ada.source.contains("y".repeat(StudentStatus.MAX_SOURCE_CHARS + 1)));
        assertEquals(T0 + 2, ada.sourceAt);
    }
}
