package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.sandbox.qemu.QemuProfile;
import dev.bpflab.testing.RunClient;
import dev.bpflab.testing.VmTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Iterator programs against the qemu backend: each run in its own Debian guest kernel (6.1), under TCG here. */
@QuarkusTest
@TestProfile(QemuIteratorRunTest.Profile.class)
@VmTest
class QemuIteratorRunTest extends IteratorRunContract {
    private static final Pattern AGENT = Pattern.compile("(?m)^ *\\d+ bpflab-agent$");

    /** The qemu backend with a run directory of its own. */
    public static class Profile extends QemuProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("bpflab.qemu.run-dir", "/run/bpflab-qemu-iter");
            overrides.put("bpflab.qemu.pool-size", "1");
            return overrides;
        }
    }

    @Override
    protected void assertListsTheAgent(JsonNode sandboxMessage, String listing) {
        assertTrue(AGENT.matcher(listing).find(), "the guest's agent:\n" + listing);
    }

    /** The host kernel of the local backend refuses iter/bpf_map_elem (EPERM); the guest's 6.1 loads it. */
    @Test
    void aMapElementIteratorListsTheObjectsMapAsItIsWhenRead() {
        try (RunClient run = new RunClient(root)) {
            run.run(RunClient.program("iter_counts.bpf.c"));
            JsonNode attached = run.awaitPhase("attached", START);
            assertTrue(attached.path("programs").toString().contains("list_counts → iter/bpf_map_elem over map 'counts'"),
                    attached.toString());
            JsonNode first = output(run, 1);
            assertEquals("", first.path("text").asText(), "nothing counted yet");
            run.workload("chmod-file");
            run.await("the workload's answer", m -> "workload".equals(m.path("type").asText()), SOON);
            run.send(new ObjectMapper().createObjectNode().put("type", "read_iterator"));
            JsonNode second = output(run, 2);
            assertTrue(second.path("text").asText().contains("chmod 1\n"), second.toString());
        }
    }

    @Test
    void aMapElementIteratorWithTwoMapsItCouldWalkFailsNamingThem() {
        String twoMaps = RunClient.program("iter_counts.bpf.c") + """

                struct {
                	__uint(type, BPF_MAP_TYPE_ARRAY);
                	__uint(max_entries, 4);
                	__type(key, u32);
                	__type(value, u64);
                } totals SEC(".maps");
                """;
        try (RunClient run = new RunClient(root)) {
            run.run(twoMaps);
            JsonNode error = run.awaitType("error", START);
            String message = error.path("message").asText();
            assertTrue(message.startsWith("iterator program 'list_counts' (SEC(\"iter/bpf_map_elem\")) walks the "
                    + "elements of one map"), message);
            assertTrue(message.contains("this object has 2 ('counts', 'totals')"), message);
            run.awaitPhase("failed", SOON);
        }
    }
}
