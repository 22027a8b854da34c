package dev.bpflab.agent.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

/**
 * The open options bpflab hands libbpf are laid out by hand ({@link OpenOpts}); a wrong offset would make libbpf read
 * the verifier log buffer or its size from the wrong place. This pins the layout against the installed libbpf.h.
 */
@Tag("kernel") // clang, libbpf and (for loads) root on this machine: left out by ./mvnw -Pfast
class OpenOptsLayoutTest {

    @Test
    void everyFieldBpflabSetsIsWhereTheInstalledLibbpfHeaderPutsIt(@TempDir Path dir) throws Exception {
        List<String> fields = Arrays.stream(OpenOpts.values()).map(f -> f.field).toList();
        CLayoutProbe.Layout c = CLayoutProbe.probe(dir, "bpf/libbpf.h", "bpf_object_open_opts", fields);
        for (OpenOpts field : OpenOpts.values()) {
            CLayoutProbe.Member member = c.members().get(field.field);
            assertEquals(member.offset(), field.offset, "offsetof(struct bpf_object_open_opts, " + field.field + ")");
            assertEquals(member.size(), field.width, "sizeof " + field.field);
        }
    }

    @Test
    void theSizeWrittenToSzCoversTheNamedFieldsAndNoMoreThanTheHeaderDeclares(@TempDir Path dir) throws Exception {
        CLayoutProbe.Layout c = CLayoutProbe.probe(dir, "bpf/libbpf.h", "bpf_object_open_opts",
                List.of(OpenOpts.KERNEL_LOG_LEVEL.field));
        CLayoutProbe.Member last = c.members().get(OpenOpts.KERNEL_LOG_LEVEL.field);
        long end = last.offset() + last.size();
        long padded = (end + c.alignment() - 1) / c.alignment() * c.alignment();
        assertEquals(padded, OpenOpts.SIZE, "sz ends where the struct, up to kernel_log_level, ends");
        // A newer libbpf's struct is longer (it reads the fields past sz as zero), never shorter.
        assertTrue(OpenOpts.SIZE <= c.size(), "sizeof(struct bpf_object_open_opts) is " + c.size());
    }
}
