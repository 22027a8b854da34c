package dev.bpflab.agent.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.protocol.MapEntry;
import dev.bpflab.protocol.MapTypes;
import dev.bpflab.protocol.RunJson;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Map writes through the real libbpf and kernel: a key and a value typed with the map's BTF are written where the
 * map's next snapshot reads them back (a struct with a char array and an enum, each CPU's slot of a per-CPU map), and
 * what does not fit is refused naming the place and what it takes, before anything reaches the kernel.
 */
@Tag("kernel") // clang, libbpf and root on this machine: left out by ./mvnw -Pfast
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MapWriterTest {
    private static final String PROGRAM = """
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>

            enum color { RED = 0, GREEN = 1 };
            struct who { char comm[8]; __u32 pid; };
            struct seen { __u64 count; enum color color; __u8 bytes[2]; _Bool on; };

            struct {
            	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
            	__uint(max_entries, 4);
            	__type(key, struct who);
            	__type(value, struct seen);
            } by_who SEC(".maps");

            struct {
            	__uint(type, BPF_MAP_TYPE_ARRAY);
            	__uint(max_entries, 2);
            	__type(key, __u32);
            	__type(value, __s16);
            } slots SEC(".maps");

            struct {
            	__uint(type, BPF_MAP_TYPE_RINGBUF);
            	__uint(max_entries, 4096);
            } events SEC(".maps");

            SEC("tp/syscalls/sys_enter_getppid")
            int touch(void *ctx)
            {
            	__u32 zero = 0;
            	struct who w = {};
            	if (bpf_map_lookup_elem(&slots, &zero) && bpf_map_lookup_elem(&by_who, &w))
            		bpf_ringbuf_output(&events, &zero, sizeof(zero), 0);
            	return 0;
            }

            char LICENSE[] SEC("license") = "GPL";
            """;

    private BpfObject object;

    @BeforeAll
    void load(@TempDir Path dir) throws Exception {
        object = BpfObject.open(BpfObjectOpenOptsTest.compile(dir, PROGRAM), "bpflab_writes", 64 * 1024);
        object.load();
    }

    @AfterAll
    void close() {
        if (object != null) {
            object.close();
        }
    }

    @Test
    void aStructKeyAndValueAreWrittenToEveryCpuAndReadBack() throws Exception {
        String written = MapWriter.of(object.maps(), "by_who").update(json("{\"comm\":\"bash\",\"pid\":42}"),
                json("{\"count\":7,\"color\":\"GREEN\",\"bytes\":[1,255],\"on\":true}"));
        assertTrue(written.startsWith("by_who[{\"comm\":\"bash\",\"pid\":42}] = "), written);
        List<MapEntry> entries = new MapSnapshot(map("by_who")).read(16).entries();
        assertEquals(1, entries.size(), entries.toString());
        assertEquals("{\"comm\":\"bash\",\"pid\":42}", entries.get(0).key().toString());
        for (JsonNode cpu : entries.get(0).cpus()) {
            assertEquals("{\"count\":7,\"color\":\"GREEN\",\"bytes\":[1,255],\"on\":true}", cpu.toString());
        }
        assertEquals("deleted by_who[{\"comm\":\"bash\",\"pid\":42}]",
                MapWriter.of(object.maps(), "by_who").delete(json("{\"comm\":\"bash\",\"pid\":42}")));
        assertTrue(new MapSnapshot(map("by_who")).read(16).entries().isEmpty());
    }

    @Test
    void theTypesDescribeTheKeyAndValueForAForm() {
        MapTypes types = MapWriter.types(map("by_who"));
        assertEquals("percpu_hash", types.kind());
        assertEquals("{\"kind\":\"struct\",\"name\":\"who\",\"fields\":[{\"name\":\"comm\",\"type\":{\"kind\":\"chars\","
                + "\"size\":8}},{\"name\":\"pid\",\"type\":{\"kind\":\"int\",\"size\":4,\"signed\":false}}]}",
                types.key().toString());
        assertEquals("{\"kind\":\"enum\",\"size\":4,\"names\":{\"RED\":0,\"GREEN\":1}}",
                types.value().path("fields").get(1).path("type").toString());
    }

    @Test
    void whatDoesNotFitIsRefusedNamingThePlaceAndWhatItTakes() {
        String key = "{\"comm\":\"a\",\"pid\":1}";
        String value = "{\"count\":1,\"color\":0,\"bytes\":[0,0],\"on\":false}";
        // {key, value, the start of the refusal}
        String[][] cases = {
            {"{\"comm\":\"a\",\"pid\":1,\"uid\":0}", value, "\"key\": struct who has no field 'uid'; its fields are [comm, pid]"},
            {"{\"comm\":\"a\"}", value, "\"key.pid\" is missing: send every field of struct who [comm, pid]"},
            {"{\"comm\":\"ninechars\",\"pid\":1}", value, "\"key.comm\" is 9 bytes; a char[8] holds at most 7"},
            {key, value.replace("\"color\":0", "\"color\":\"BLUE\""),
                "\"value.color\": 'BLUE' is not a name of enum color (RED, GREEN)"},
            {key, value.replace("[0,0]", "[0,256]"), "\"value.bytes[1]\": 256 is out of range for __u8, 0 to 255"},
            {key, value.replace("[0,0]", "[0]"), "\"value.bytes\" must be an array of exactly 2 items"},
            {key, value.replace("\"count\":1", "\"count\":1.5"),
                "\"value.count\" must be a whole number (__u64, 0 to 18446744073709551615)"},
            {key, value.replace("false", "0"), "\"value.on\" must be true or false"},
        };
        for (String[] refused : cases) {
            assertRefused("by_who", refused[0], refused[1], refused[2]);
        }
        assertRefused("slots", "2", "1", "\"key\": 2 is past the end of array 'slots': its keys are 0 to 1");
        assertRefused("slots", "0", "-32769", "\"value\": -32769 is out of range for __s16, -32768 to 32767");
        assertRefused("events", "0", "1", "'events' is a ring buffer");
        assertRefused("nope", "0", "1", "your program has no map named 'nope'; its hash and array maps are [slots, by_who]");
        MapWriteException delete = assertThrows(MapWriteException.class,
                () -> MapWriter.of(object.maps(), "slots").delete(json("0")));
        assertTrue(delete.getMessage().startsWith("'slots' is an array: its entries always exist"), delete.getMessage());
    }

    private void assertRefused(String map, String key, String value, String start) {
        MapWriteException e = assertThrows(MapWriteException.class,
                () -> MapWriter.of(object.maps(), map).update(json(key), json(value)));
        assertTrue(e.getMessage().startsWith(start), "expected '" + start + "…', was: " + e.getMessage());
    }

    private BpfMap map(String name) {
        return object.maps().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    private static JsonNode json(String text) {
        try {
            return RunJson.mapper().readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
