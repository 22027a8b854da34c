package dev.bpflab.agent.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.protocol.AgentMessage;
import dev.bpflab.protocol.KernelFeature;
import dev.bpflab.protocol.RunJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe in this machine's kernel: 6.18 in lockdown (as on CI), where ring buffers and open-coded iterators exist,
 * fentry is refused with EPERM, and there are no kprobes. And the structs it fills by hand, against the headers.
 */
@Tag("kernel") // root, libbpf and this kernel: left out by ./mvnw -Pfast
class KernelProbeTest {

    @Test
    void thisKernelIsProbedForWhatItReallyDoes() throws Exception {
        AgentMessage.Features features = KernelProbe.probe();
        assertTrue(features.has(KernelFeature.RINGBUF), features.toString());
        assertTrue(features.has(KernelFeature.KFUNCS), features.toString());
        assertTrue(features.has(KernelFeature.OPEN_CODED_ITERATORS), features.toString());
        assertFalse(features.has(KernelFeature.FENTRY), features.toString());
        assertTrue(features.notes().get("fentry").contains("EPERM"), features.notes().toString());
        assertFalse(features.has(KernelFeature.LSM), features.toString());
        assertTrue(features.notes().containsKey("lsm"), "a missing LSM says why: " + features.notes());
        if (!Files.exists(Path.of("/sys/bus/event_source/devices/kprobe"))) {
            assertFalse(features.has(KernelFeature.KPROBE), features.toString());
            assertTrue(features.notes().get("kprobe").contains("no kprobe PMU"), features.notes().toString());
        }
        assertEquals(features, RunJson.agent(RunJson.write(features)), "what the agent writes, the server reads");
    }

    @Test
    void theLoadOptionsAreWhereTheInstalledHeaderPutsThem(@TempDir Path dir) throws Exception {
        CLayoutProbe.Layout c = CLayoutProbe.probe(dir, "bpf/bpf.h", "bpf_prog_load_opts",
                List.of("expected_attach_type", "attach_btf_id", "log_buf"));
        assertEquals(KernelProbe.LOAD_OPTS_EXPECTED_ATTACH_TYPE, c.members().get("expected_attach_type").offset());
        assertEquals(KernelProbe.LOAD_OPTS_ATTACH_BTF_ID, c.members().get("attach_btf_id").offset());
        assertEquals(KernelProbe.LOAD_OPTS_SIZE, c.members().get("log_buf").offset() + 8, "sz ends after log_buf");
        assertTrue(KernelProbe.LOAD_OPTS_SIZE <= c.size());
    }

    @Test
    void thePerfEventAttrIsWhereTheInstalledHeaderPutsIt(@TempDir Path dir) throws Exception {
        CLayoutProbe.Layout c = CLayoutProbe.probe(dir, "linux/perf_event.h", "perf_event_attr",
                List.of("type", "size", "config1", "config2"));
        assertEquals(0, c.members().get("type").offset());
        assertEquals(4, c.members().get("size").offset());
        assertEquals(KernelProbe.PERF_ATTR_CONFIG1, c.members().get("config1").offset());
        assertTrue(KernelProbe.PERF_ATTR_SIZE >= c.members().get("config2").offset() + 8);
    }
}
