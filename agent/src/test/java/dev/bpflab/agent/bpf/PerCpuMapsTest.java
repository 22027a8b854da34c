package dev.bpflab.agent.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.bpflab.protocol.MapEntry;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-CPU maps read through the real libbpf and kernel: each entry carries one value per possible CPU and, when those
 * are numbers, their sum as the value.
 */
@Tag("kernel") // clang, libbpf and root on this machine: left out by ./mvnw -Pfast
class PerCpuMapsTest {
    /** Counts this process's openat calls in a per-CPU array, and its last one's flags per pid in a per-CPU hash. */
    private static final String PROGRAM = """
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>

            const volatile int target_pid = 0;

            struct {
            	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
            	__uint(max_entries, 1);
            	__type(key, __u32);
            	__type(value, __u64);
            } opens SEC(".maps");

            struct seen { __u64 count; __u32 pid; };

            struct {
            	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
            	__uint(max_entries, 16);
            	__type(key, __u32);
            	__type(value, struct seen);
            } by_pid SEC(".maps");

            SEC("tp/syscalls/sys_enter_openat")
            int count_opens(void *ctx)
            {
            	__u32 pid = bpf_get_current_pid_tgid() >> 32, zero = 0;
            	if (pid != target_pid)
            		return 0;
            	__u64 *count = bpf_map_lookup_elem(&opens, &zero);
            	if (count)
            		*count += 1;
            	struct seen *s = bpf_map_lookup_elem(&by_pid, &pid);
            	if (s) {
            		s->count += 1;
            	} else {
            		struct seen first = { 1, pid };
            		bpf_map_update_elem(&by_pid, &pid, &first, BPF_ANY);
            	}
            	return 0;
            }

            char LICENSE[] SEC("license") = "GPL";
            """;
    private static final int OPENS = 50;

    @Test
    void aPerCpuArrayIsReadPerCpuAndSummedAndAPerCpuHashOfStructsPerCpu(@TempDir Path dir) throws Exception {
        int pid = (int) ProcessHandle.current().pid();
        try (BpfObject object = BpfObject.open(BpfObjectOpenOptsTest.compile(dir, PROGRAM), "bpflab_percpu", 64 * 1024)) {
            object.setGlobals(Map.of("target_pid", IntNode.valueOf(pid)));
            object.load();
            object.attachAll("unused");
            Path file = Files.writeString(dir.resolve("opened"), "x");
            for (int i = 0; i < OPENS; i++) {
                Files.readString(file);
            }
            int cpus = LibBpf.INSTANCE.libbpf_num_possible_cpus();

            List<MapEntry> opens = snapshot(object, "opens");
            assertEquals(1, opens.size(), opens.toString());
            MapEntry counted = opens.get(0);
            assertEquals(0, counted.key().asInt());
            assertEquals(cpus, counted.cpus().size(), "one value per possible CPU: " + counted);
            assertTrue(counted.cpus().stream().allMatch(JsonNode::isIntegralNumber), counted.toString());
            BigInteger sum = counted.cpus().stream().map(JsonNode::bigIntegerValue).reduce(BigInteger.ZERO, BigInteger::add);
            assertEquals(sum, counted.value().bigIntegerValue(), "the value is the sum over the CPUs: " + counted);
            assertTrue(counted.value().asLong() >= OPENS, "every open of this process counted: " + counted);

            List<MapEntry> byPid = snapshot(object, "by_pid");
            assertEquals(1, byPid.size(), byPid.toString());
            MapEntry seen = byPid.get(0);
            assertEquals(pid, seen.key().asInt());
            assertNull(seen.value(), "structs are not summed: " + seen);
            assertEquals(cpus, seen.cpus().size(), seen.toString());
            long total = 0;
            for (JsonNode onCpu : seen.cpus()) {
                assertTrue(onCpu.isObject() && onCpu.has("count"), "each CPU's struct, decoded: " + seen);
                total += onCpu.path("count").asLong();
            }
            assertTrue(total >= OPENS, seen.toString());
            assertTrue(seen.cpus().stream().anyMatch(c -> c.path("pid").asInt() == pid), seen.toString());
        }
    }

    private static List<MapEntry> snapshot(BpfObject object, String name) {
        BpfMap map = object.maps().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
        assertTrue(map.isPerCpu() && map.isSnapshotable(), name);
        return new MapSnapshot(map).read(512).entries();
    }
}
