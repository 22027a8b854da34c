package dev.bpflab.grading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.ServerMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lesson 09's promise: an event from a pod carries that pod's hostname and cgroup id, which are only known once the
 * pod's workload has answered (its answer's facts), after the events themselves streamed.
 */
class WorkloadFactsExpectationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FILE = "/tmp/bpflab-run-1/workload/pod-alpha.txt";

    private static Expectation fromAlpha() throws Exception {
        return new Expectation(JSON.readTree("{\"type\":\"event\",\"fields\":{\"syscall\":\"unlink\","
                + "\"filename\":\"*/pod-alpha.txt\"},\"matchesWorkload\":{\"name\":\"pod-alpha\","
                + "\"fields\":[\"hostname\",\"cgroup_id\"]}}"));
    }

    private static ServerMessage unlink(String hostname, long cgroupId) throws Exception {
        return RunJson.server("{\"type\":\"event\",\"map\":\"events\",\"fields\":{\"syscall\":\"unlink\",\"filename\":\""
                + FILE + "\",\"hostname\":\"" + hostname + "\",\"cgroup_id\":" + cgroupId + "}}");
    }

    private static ServerMessage alphaAnswered(long cgroupId) throws Exception {
        return RunJson.server("{\"type\":\"workload\",\"name\":\"pod-alpha\",\"ok\":true,\"detail\":\"pod-alpha wrote "
                + FILE + "\",\"facts\":{\"hostname\":\"pod-alpha\",\"cgroup_id\":" + cgroupId + ",\"ns_pid\":1}}");
    }

    @Test
    void anEventMeetsItOnlyOnceThePodAnsweredAndWhenItCarriesThatPodsHostnameAndCgroup() throws Exception {
        Effects effects = new Effects(List.of(fromAlpha()));
        assertFalse(effects.offer(unlink("pod-alpha", 5123)), "the pod has not answered yet: nothing to compare with");
        assertTrue(effects.offer(alphaAnswered(5123)), "the event that streamed before the answer counts now");
    }

    @Test
    void theStartCodesEventsWithoutThePodFieldsAndAnotherPodsCgroupDoNot() throws Exception {
        Effects effects = new Effects(List.of(fromAlpha()));
        effects.offer(RunJson.server("{\"type\":\"event\",\"map\":\"events\",\"fields\":{\"syscall\":\"unlink\","
                + "\"filename\":\"" + FILE + "\",\"pid\":977}}"));
        effects.offer(unlink("pod-alpha", 7000));
        effects.offer(unlink("host", 5123));
        assertFalse(effects.offer(alphaAnswered(5123)));
        assertEquals(1, effects.missing().size());
    }

    @Test
    void aMatchesWorkloadWithoutFieldsIsRefusedWhenTheLessonLoads() throws Exception {
        assertNotNull(Expectation.problem(JSON.readTree("{\"type\":\"event\",\"fields\":{},"
                + "\"matchesWorkload\":{\"name\":\"pod-alpha\"}}")));
        assertNull(Expectation.problem(fromAlpha().spec()));
    }

    @Test
    void aMatchesWorkloadNamingNoWorkloadIsRefusedWithTheNamesThatExist() throws Exception {
        String problem = Expectation.problem(JSON.readTree("{\"type\":\"event\",\"fields\":{},"
                + "\"matchesWorkload\":{\"name\":\"pod-gamma\",\"fields\":[\"hostname\"]}}"));
        assertNotNull(problem, "no answer would ever come: the check could never pass");
        assertTrue(problem.contains("'pod-gamma'") && problem.contains("pod-beta"), problem);
    }

    @Test
    void anEventWithAnEmptyFilenameNamesNoFileAndCountsOnTheFactsAlone() throws Exception {
        Effects effects = new Effects(List.of(new Expectation(JSON.readTree("{\"type\":\"event\",\"fields\":"
                + "{\"syscall\":\"connect\"},\"matchesWorkload\":{\"name\":\"pod-alpha\",\"fields\":"
                + "[\"hostname\",\"cgroup_id\"]}}"))));
        effects.offer(RunJson.server("{\"type\":\"event\",\"map\":\"events\",\"fields\":{\"syscall\":\"connect\","
                + "\"filename\":\"\",\"hostname\":\"pod-alpha\",\"cgroup_id\":5123}}"));
        assertTrue(effects.offer(alphaAnswered(5123)), "pod-snoop's connect event leaves filename empty");
    }
}
