package dev.bpflab.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.protocol.Workload;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The catalog in bpf-templates/: metadata, rendering with defaults and with parameters, and validation. */
class TemplateCatalogTest {
    static final Path TEMPLATES = Path.of("bpf-templates");
    static final List<String> EXPECTED_IDS = List.of("execsnoop", "fchmodat", "fchownat", "fentry-unlink", "hello",
            "iter-task", "lsm-deny-unlink", "openat", "pod-snoop", "read", "syscount", "unlinkat", "uprobe-greet", "uretprobe-square",
            "usdt-round", "write", "xdp-firewall");

    private final TemplateCatalog catalog = TemplateCatalog.load(TEMPLATES);

    @Test
    void loadsEveryTemplateWithItsMetadata() {
        assertEquals(EXPECTED_IDS, catalog.list().stream().map(TemplateInfo::id).toList());
        for (TemplateInfo t : catalog.list()) {
            assertFalse(t.title().es().isBlank() || t.title().en().isBlank(), t.id());
            assertFalse(t.description().es().isBlank() || t.description().en().isBlank(), t.id());
            assertTrue(Workload.fromWire(t.workload()).isPresent(), t.id() + " names an unknown workload " + t.workload());
            assertTrue(t.expect().size() > 0, t.id());
            t.params().forEach(p -> assertFalse(p.description().en().isBlank(), t.id() + "." + p.name()));
        }
    }

    @Test
    void everyTemplateRendersWithItsDefaultsIntoOneSelfContainedFile() {
        for (TemplateInfo t : catalog.list()) {
            String source = catalog.render(t.id(), Map.of());
            assertTrue(source.contains("#include \"vmlinux.h\""), t.id());
            assertTrue(source.contains("char LICENSE[] SEC(\"license\") = \"GPL\";"), t.id());
            assertFalse(source.contains("${") || source.contains("<#"), t.id() + " left FreeMarker text behind");
            if (source.contains("bpf_ringbuf_reserve")) {
                assertTrue(source.contains("struct event {") && source.contains("} events SEC(\".maps\");"),
                        t.id() + ": ring buffer records are struct event in a map named events");
                assertTrue(source.contains("struct event *unused_event"), t.id() + ": struct event must reach the BTF");
            }
        }
    }

    @Test
    void parametersChangeTheSource() {
        String source = catalog.render("openat", Map.of("comm", "cat", "path_prefix", "/etc/"));
        assertTrue(source.contains("static const char target_comm[16] = \"cat\";"), source);
        assertTrue(source.contains("#define TARGET_COMM_LEN 3"), source);
        assertTrue(source.contains("static const char path_prefix[] = \"/etc/\";"), source);
        assertTrue(source.contains("#define PATH_PREFIX_LEN 5"), source);

        String firewall = catalog.render("xdp-firewall",
                Map.of("drop_protocol", "udp", "drop_port", 53, "drop_source", "169.254.77.2"));
        assertTrue(firewall.contains("#define DROP_PROTOCOL 17\t/* udp */"), firewall);
        assertTrue(firewall.contains("#define DROP_PORT 53\t"), firewall);
        assertTrue(firewall.contains("#define DROP_SOURCE 0xa9fe4d02\t/* 169.254.77.2 */"), firewall);

        assertTrue(catalog.render("syscount", Map.of("max_processes", "4096")).contains("#define MAX_PROCESSES 4096\n"),
                "ints render without grouping and accept numeric text");
    }

    @Test
    void outOfRangeNumbersAreRejectedWithTheAllowedRange() {
        TemplateParameterException e = assertThrows(TemplateParameterException.class,
                () -> catalog.render("xdp-firewall", Map.of("drop_port", 70000)));
        assertEquals("drop_port", e.parameter());
        assertEquals("parameter 'drop_port' must be a whole number from 0 to 65535; got 70000", e.getMessage());
        assertThrows(TemplateParameterException.class, () -> catalog.render("xdp-firewall", Map.of("drop_port", 1.5)));
        assertThrows(TemplateParameterException.class, () -> catalog.render("xdp-firewall", Map.of("drop_port", "22; x")));
        assertThrows(TemplateParameterException.class, () -> catalog.render("xdp-firewall", Map.of("drop_port", true)));
    }

    @Test
    void enumsBoolsAndAddressesAreChecked() {
        TemplateParameterException e = assertThrows(TemplateParameterException.class,
                () -> catalog.render("xdp-firewall", Map.of("drop_protocol", "sctp")));
        assertEquals("parameter 'drop_protocol' must be one of none, icmp, tcp, udp; got \"sctp\"", e.getMessage());
        e = assertThrows(TemplateParameterException.class,
                () -> catalog.render("xdp-firewall", Map.of("drop_source", "10.0.0.256")));
        assertTrue(e.getMessage().startsWith("parameter 'drop_source' must be an IPv4 address"), e.getMessage());
        assertThrows(TemplateParameterException.class,
                () -> catalog.render("xdp-firewall", Map.of("drop_source", "1.2.3.4 */ x")));
    }

    @Test
    void stringsMustMatchTheirPatternAndLength() {
        TemplateParameterException e = assertThrows(TemplateParameterException.class,
                () -> catalog.render("openat", Map.of("comm", "a-very-long-command-name")));
        assertEquals("parameter 'comm' must be at most 15 characters long; got 24", e.getMessage());
        e = assertThrows(TemplateParameterException.class, () -> catalog.render("openat", Map.of("path_prefix", "tmp")));
        assertTrue(e.getMessage().startsWith("parameter 'path_prefix' does not accept \"tmp\": it must match the pattern"),
                e.getMessage());
        assertThrows(TemplateParameterException.class, () -> catalog.render("openat", Map.of("comm", 42)));
    }

    @Test
    void theInjectionAttemptIsRejectedNamingTheParameter() {
        String attack = "\"); bpf_override_return(ctx, 0); //";
        for (String id : List.of("openat", "unlinkat", "fentry-unlink", "syscount")) {
            TemplateParameterException e = assertThrows(TemplateParameterException.class,
                    () -> catalog.render(id, Map.of("comm", attack)));
            assertEquals("comm", e.parameter());
        }
        TemplateParameterException e = assertThrows(TemplateParameterException.class,
                () -> catalog.render("hello", Map.of("greeting", "hi\"); bpf_override_return(")));
        assertTrue(e.getMessage().startsWith("parameter 'greeting' does not accept \"hi\\\"); bpf_override_return(\""),
                e.getMessage());
        assertThrows(TemplateParameterException.class,
                () -> catalog.render("lsm-deny-unlink", Map.of("protected_name", "x\\\n#include </etc/shadow>")));
    }

    @Test
    void unknownParametersAndTemplatesAreNamed() {
        TemplateParameterException e = assertThrows(TemplateParameterException.class,
                () -> catalog.render("openat", Map.of("pid", 1)));
        assertEquals("parameter 'pid' does not exist; template 'openat' takes comm, path_prefix", e.getMessage());
        UnknownTemplateException unknown = assertThrows(UnknownTemplateException.class,
                () -> catalog.render("../etc/passwd", Map.of()));
        assertTrue(unknown.getMessage().startsWith("no template named '../etc/passwd'; known templates: execsnoop"));
    }

    @Test
    void aNullValueMeansTheDefault() {
        Map<String, Object> params = new HashMap<>();
        params.put("comm", null);
        assertEquals(catalog.render("read", Map.of()), catalog.render("read", params));
    }
}
