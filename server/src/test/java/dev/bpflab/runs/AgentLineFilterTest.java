package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.bpflab.metrics.RunMetrics;
import dev.bpflab.metrics.RunMetrics.AgentLineDrop;
import dev.bpflab.protocol.Workload;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The agent's lines one by one, against the state of the run they come in: what passes and why the rest does not. */
class AgentLineFilterTest {
    private static final String LOADING = "{\"type\":\"phase\",\"phase\":\"loading\"}";
    private static final String ATTACHED = "{\"type\":\"phase\",\"phase\":\"attached\",\"programs\":[\"p → tp\"]}";
    private static final String STOPPED = "{\"type\":\"phase\",\"phase\":\"stopped\"}";
    private static final String EVENT = "{\"type\":\"event\",\"map\":\"events\",\"fields\":{\"pid\":1}}";
    private static final String VERIFY = "{\"type\":\"diagnostics\",\"stage\":\"verify\",\"items\":[],\"log\":\"x\"}";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicInteger oversizeNotices = new AtomicInteger();
    private final AgentLineFilter filter = new AgentLineFilter(() -> "test sandbox",
            RunMetrics.registeredIn(registry, null), oversizeNotices::incrementAndGet);

    @Test
    void anHonestRunPassesWhole() {
        filter.requested(Workload.UNLINK_FILE);
        for (String line : List.of(LOADING, "{\"type\":\"printk\",\"text\":\"early\",\"pid\":1,\"comm\":\"rm\"}",
                ATTACHED, EVENT, "{\"type\":\"map\",\"name\":\"counts\",\"entries\":[]}",
                "{\"type\":\"dropped\",\"count\":3}",
                "{\"type\":\"workload\",\"name\":\"unlink-file\",\"ok\":true,\"detail\":\"rm\"}",
                "{\"type\":\"error\",\"message\":\"the run reached its time limit\"}", STOPPED)) {
            assertNotNull(filter.accept(line), line);
        }
        assertEquals(0, filter.dropped());
    }

    @Test
    void streamsComeOnlyWhileTheProgramIsLoadedAndNothingAfterTheEnd() {
        assertNull(filter.accept(EVENT), "no program is loaded yet");
        assertNotNull(filter.accept(LOADING));
        assertNotNull(filter.accept(ATTACHED));
        assertNotNull(filter.accept(STOPPED));
        assertNull(filter.accept(EVENT), "the run has ended");
        assertNull(filter.accept("{\"type\":\"phase\",\"phase\":\"failed\"}"), "one final phase");
        assertEquals(3, dropped(AgentLineDrop.OUT_OF_ORDER));
    }

    @Test
    void verifierDiagnosticsComeOnceWhileLoading() {
        assertNull(filter.accept(VERIFY), "before loading");
        assertNotNull(filter.accept(LOADING));
        assertNotNull(filter.accept(VERIFY));
        assertNull(filter.accept(VERIFY), "a second verdict on the same load");
        assertNotNull(filter.accept("{\"type\":\"phase\",\"phase\":\"failed\"}"));
        assertEquals(2, dropped(AgentLineDrop.OUT_OF_ORDER));
    }

    @Test
    void kernelDiagnosticsAndFeaturesAreNeverTheAgentsToSayDuringARun() {
        assertNotNull(filter.accept(LOADING));
        assertNull(filter.accept("{\"type\":\"diagnostics\",\"stage\":\"kernel\",\"items\":[{\"line\":1,"
                + "\"column\":1,\"severity\":\"error\",\"message\":\"choose another kernel\"}],\"log\":\"\"}"));
        assertEquals(1, dropped(AgentLineDrop.SERVER_ONLY));
        assertNull(filter.accept("{\"type\":\"features\",\"features\":{\"kprobe\":true,\"fentry\":true,\"lsm\":true,"
                + "\"ringbuf\":true,\"kfuncs\":true,\"open-coded-iterators\":true}}"));
        assertEquals(1, dropped(AgentLineDrop.OUT_OF_ORDER));
    }

    @Test
    void eachWorkloadRequestIsAnsweredOnceUnderItsOwnName() {
        filter.requested(Workload.CHMOD_FILE);
        filter.requested(Workload.CHMOD_FILE);
        String chmod = "{\"type\":\"workload\",\"name\":\"chmod-file\",\"ok\":true,\"detail\":\"chmod 600 f\"}";
        assertNotNull(filter.accept(chmod));
        assertNull(filter.accept("{\"type\":\"workload\",\"name\":\"unlink-file\",\"ok\":true}"), "not asked for");
        assertNull(filter.accept("{\"type\":\"workload\",\"name\":\"format-disk\",\"ok\":true}"), "no such workload");
        assertNotNull(filter.accept(chmod), "the second request's answer");
        assertNull(filter.accept(chmod), "a third answer to two requests");
        assertEquals(3, dropped(AgentLineDrop.UNREQUESTED));
    }

    @Test
    void eachReadOfTheLoadedProgramIsAnsweredOnce() {
        String answer = "{\"type\":\"loaded_programs\",\"programs\":[{\"name\":\"p\",\"id\":4,\"xlatedCount\":1,"
                + "\"instructions\":[{\"index\":0,\"text\":\"(95) exit\"}]}]}";
        assertNotNull(filter.accept(LOADING));
        assertNotNull(filter.accept(ATTACHED));
        assertNull(filter.accept(answer), "nobody asked");
        filter.loadedReadRequested();
        assertNotNull(filter.accept(answer));
        assertNull(filter.accept(answer), "a second answer to one request");
        assertEquals(2, dropped(AgentLineDrop.UNREQUESTED));
    }

    @Test
    void iteratorOutputsComeWhileAttachedForTheReadAtAttachAndEachReadAskedFor() {
        String read1 = iteratorOutput(1);
        String read2 = iteratorOutput(2);
        assertNotNull(filter.accept(LOADING));
        assertNull(filter.accept(read1), "nothing is attached to read yet");
        assertNotNull(filter.accept(ATTACHED));
        assertNotNull(filter.accept(read1), "the agent reads once when it attaches");
        assertNull(filter.accept(read2), "a second read nobody asked for");
        filter.iteratorReadRequested();
        for (int i = 0; i < dev.bpflab.protocol.ServerMessage.MAX_ITERATOR_PROGRAMS; i++) {
            assertNotNull(filter.accept(read2), "one output per iterator program, " + i);
        }
        assertNull(filter.accept(read2), "more outputs in one read than a run has iterator programs");
        assertNotNull(filter.accept(STOPPED));
        assertNull(filter.accept(read1), "the run has ended");
        assertEquals(4, dropped(AgentLineDrop.UNREQUESTED));
    }

    private static String iteratorOutput(int read) {
        return "{\"type\":\"iterator_output\",\"program\":\"ps\",\"read\":" + read
                + ",\"text\":\"1 init\\n\",\"truncated\":false,\"timedOut\":false}";
    }

    @Test
    void oversizeLinesAreCountedAndTheLearnerToldOnce() {
        filter.oversize(); // thrown away by the channel
        assertNull(filter.accept("{\"type\":\"error\",\"message\":\"" + "x".repeat(5 << 20) + "\"}"));
        assertEquals(2, dropped(AgentLineDrop.OVERSIZE));
        assertEquals(1, oversizeNotices.get());
    }

    @Test
    void theLogSeesAtMostEightyCharactersWithoutControlCharacters() {
        assertEquals("a?b?c", AgentLineFilter.preview("a\nb\u001bc"));
        assertEquals("y".repeat(80) + "…", AgentLineFilter.preview("y".repeat(500)));
    }

    private long dropped(AgentLineDrop reason) {
        return (long) registry.counter("bpflab.agent.lines.dropped", "reason", reason.tag()).count();
    }
}
