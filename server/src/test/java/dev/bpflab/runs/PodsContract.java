package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.catalog.TemplateCatalog;
import dev.bpflab.testing.RunClient;
import dev.bpflab.testing.SandboxContract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * "También para k8s" (issue 20) through /ws/run on a real kernel: the pod-snoop template, attached once, sees both
 * pods' processes, and each event names the pod it came from as the kernel knows it: its hostname, its own cgroup id
 * (the one the pod's workload answer reports) and PID 1 inside for the pod's first process, which also connects to
 * the lab's service from the pod's own network namespace; the host's own processes
 * are left out by default. Each sandbox backend extends this with its profile.
 */
public abstract class PodsContract extends SandboxContract {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration SOON = Duration.ofSeconds(30);

    @Test
    void oneProgramSeesBothPodsAndEveryEventNamesItsOwnPod() {
        String source = TemplateCatalog.load(Path.of("bpf-templates")).render("pod-snoop", Map.of());
        try (RunClient run = client()) {
            run.run(source);
            run.awaitPhase("attached", START);
            JsonNode alpha = answer(run, "pod-alpha");
            JsonNode beta = answer(run, "pod-beta");
            assertNotEquals(alpha.path("facts").path("cgroup_id").asLong(), beta.path("facts").path("cgroup_id").asLong(),
                    "one cgroup per pod");
            for (JsonNode pod : List.of(alpha, beta)) {
                String name = pod.path("name").asText();
                JsonNode unlink = run.await(name + "'s unlink, with its hostname and cgroup", m -> isEvent(m)
                        && m.path("fields").path("syscall").asText().equals("unlink")
                        && m.path("fields").path("filename").asText().endsWith("/" + name + ".txt")
                        && m.path("fields").path("hostname").asText().equals(name)
                        && m.path("fields").path("cgroup_id").asLong() == pod.path("facts").path("cgroup_id").asLong(),
                        SOON);
                assertEquals(1, unlink.path("fields").path("ns_pid").asInt(), "rm is the pod's first process: " + unlink);
                assertEquals(pod.path("facts").path("host_pid").asLong(), unlink.path("fields").path("pid").asLong(),
                        "and the host knows it by another number: " + unlink);
                String service = pod.path("facts").path("service").asText();
                JsonNode connect = run.await(name + "'s connection on the lab network to " + service, m -> isEvent(m)
                        && m.path("fields").path("syscall").asText().equals("connect")
                        && m.path("fields").path("address").asText().equals(service)
                        && m.path("fields").path("hostname").asText().equals(name), SOON);
                assertEquals(pod.path("facts").path("cgroup_id").asLong(), connect.path("fields").path("cgroup_id").asLong(),
                        "the connection comes from the pod's cgroup: " + connect);
                assertEquals(1, connect.path("fields").path("ns_pid").asInt(), "made by the pod's first process: " + connect);
                // the unlink came after the connect inside the pod: every connect of this pod has streamed by now
                assertEquals(1, run.seen().stream().filter(m -> isEvent(m)
                        && m.path("fields").path("syscall").asText().equals("connect")
                        && m.path("fields").path("hostname").asText().equals(name)).count(),
                        "the pod connects once, and a tracer sees one connect(2): " + run.seen());
            }
            assertTrue(run.seen().stream().filter(PodsContract::isEvent)
                    .allMatch(m -> m.path("fields").path("hostname").asText().startsWith("pod-")),
                    "the host's own processes are left out by default: " + run.seen());
            run.stop();
            run.awaitPhase("stopped", SOON);
        }
    }

    private static JsonNode answer(RunClient run, String pod) {
        run.workload(pod);
        JsonNode answer = run.await(pod + "'s answer", m -> "workload".equals(m.path("type").asText())
                && pod.equals(m.path("name").asText()), SOON);
        assertTrue(answer.path("ok").asBoolean(), answer.toString());
        assertEquals(pod, answer.path("facts").path("hostname").asText(), answer.toString());
        return answer;
    }

    private static boolean isEvent(JsonNode m) {
        return "event".equals(m.path("type").asText());
    }
}
