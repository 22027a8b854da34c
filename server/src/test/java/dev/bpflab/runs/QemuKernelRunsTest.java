package dev.bpflab.runs;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bpflab.kernels.KernelFeatures;
import dev.bpflab.sandbox.Kernel;
import dev.bpflab.sandbox.qemu.QemuProfile;
import dev.bpflab.testing.RunClient;
import dev.bpflab.testing.SandboxContract;
import dev.bpflab.testing.VmTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A run chooses its kernel on the qemu backend: Debian 12's 6.1 (the default) or Debian 13's 6.12, each probed in its
 * own VM. Programs from current libbpf-bootstrap and libbpf-tools run where they can, and where they cannot the
 * learner is told on the line why and which kernel to choose.
 */
@QuarkusTest
@TestProfile(QemuProfile.class)
@VmTest
class QemuKernelRunsTest extends SandboxContract {
    private static final Duration START = Duration.ofSeconds(240);
    private static final Duration SOON = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** An open-coded loop (libbpf 1.2+ headers, Linux 6.4+): bpf_for is on line 6. */
    static final String BPF_FOR = """
            #include "vmlinux.h"
            #include <bpf/bpf_helpers.h>
            char LICENSE[] SEC("license") = "GPL";
            SEC("tracepoint/syscalls/sys_enter_unlinkat")
            int count_to_ten(void *ctx) { int i, sum = 0;
                bpf_for(i, 0, 10) { sum += i; }
                bpf_printk("sum %d", sum);
                return 0;
            }
            """;

    @Inject
    KernelFeatures features;

    @BeforeEach
    void everyKernelIsReadyAndProbed() throws Exception {
        KernelsReady.await(backend);
        for (Kernel kernel : backend.kernels()) {
            for (int i = 0; features.current(kernel).isEmpty(); i++) {
                if (i > 480) {
                    throw new AssertionError(kernel.id() + " was not probed: " + features.problem(kernel.id()));
                }
                features.request(kernel.id());
                Thread.sleep(500);
            }
        }
    }

    @Test
    void theKernelsAreListedWithWhatTheirGuestsCanDo() {
        JsonNode listed = JSON.valueToTree(given().get(root.resolve("api/kernels")).then().statusCode(200).extract()
                .as(Object.class));
        assertEquals("debian12", listed.path("default").asText(), listed.toString());
        JsonNode old = listed.path("kernels").get(0);
        JsonNode current = listed.path("kernels").get(1);
        assertEquals("debian12", old.path("id").asText());
        assertEquals("debian13", current.path("id").asText());
        assertTrue(old.path("release").asText().startsWith("6.1."), old.toString());
        assertTrue(current.path("release").asText().startsWith("6.12."), current.toString());
        for (JsonNode kernel : List.of(old, current)) {
            assertEquals("ready", kernel.path("state").asText(), kernel.toString());
            for (String feature : List.of("kprobe", "fentry", "lsm", "ringbuf")) {
                assertTrue(kernel.path("features").path(feature).asBoolean(), feature + " in " + kernel);
            }
        }
        assertEquals(false, old.path("features").path("open-coded-iterators").asBoolean(), old.toString());
        assertEquals(true, current.path("features").path("open-coded-iterators").asBoolean(), current.toString());
    }

    @Test
    void bpfForOn61IsRefusedOnItsLineNamingTheKernelThatHasIt() {
        try (RunClient run = client()) {
            run.send(run(BPF_FOR, "debian12"));
            JsonNode diagnostics = run.awaitType("diagnostics", SOON);
            assertEquals("kernel", diagnostics.path("stage").asText(), diagnostics.toString());
            JsonNode item = diagnostics.path("items").get(0);
            assertEquals(6, item.path("line").asInt(), item.toString());
            String said = item.path("message").asText();
            assertTrue(said.startsWith("bpf_for needs open-coded iterators (Linux 6.4)"), said);
            assertTrue(said.contains("6.1.") && said.contains("6.12."), "names this kernel and the one to choose: " + said);
            run.awaitPhase("failed", SOON);
        }
    }

    @Test
    void bpfUprobeOnDebian12sToolchainIsRefusedOnItsLineNamingDebian13() {
        try (RunClient run = client()) {
            run.send(run(RunClient.program("uprobe_malloc_bpf_uprobe.bpf.c"), "debian12"));
            JsonNode diagnostics = run.awaitType("diagnostics", SOON);
            assertEquals("kernel", diagnostics.path("stage").asText(), diagnostics.toString());
            JsonNode item = diagnostics.path("items").get(0);
            assertEquals(9, item.path("line").asInt(), item.toString());
            assertTrue(item.path("message").asText().startsWith("BPF_UPROBE comes with libbpf 1.2's headers; Debian 12 "
                    + "(bookworm) compiles with clang 14"), item.toString());
            assertTrue(item.path("message").asText().contains("choose Debian 13 (trixie)"), item.toString());
            run.awaitPhase("failed", SOON);
        }
    }

    @Test
    void bpfForRunsOn612() {
        try (RunClient run = client()) {
            run.send(run(BPF_FOR, "debian13"));
            JsonNode sandbox = run.awaitType("sandbox", START);
            assertTrue(sandbox.toString().contains("debian13, guest kernel 6.12."), sandbox.toString());
            run.awaitPhase("attached", START);
            run.workload("unlink-file");
            run.await("the loop's sum", m -> "printk".equals(m.path("type").asText())
                    && m.toString().contains("sum 45"), SOON);
        }
    }

    @Test
    void aCoreReadOfAFieldOnlyNewKernelsHaveIsAPortabilityAnswerSideBySide() {
        try (RunClient run = client()) {
            run.send(JSON.createObjectNode().put("type", "run_all")
                    .put("source", RunClient.program("core_i_atime_sec.bpf.c"))
                    .put("workload", "unlink-file").put("seconds", 3));
            run.awaitType("matrix_done", Duration.ofSeconds(300));
            assertEquals(2, run.seen().stream().filter(m -> "matrix_row".equals(m.path("type").asText())).count(),
                    "one row per kernel: " + run.seen());
            JsonNode old = row(run, "debian12");
            JsonNode current = row(run, "debian13");
            assertEquals("failed", old.path("compile").asText(), old.toString());
            assertEquals(9, old.path("diagnostics").get(0).path("line").asInt(), old.toString());
            assertTrue(old.path("diagnostics").get(0).path("message").asText().contains("i_atime_sec"), old.toString());
            assertEquals("ok", current.path("compile").asText(), current.toString());
            assertEquals("accepted", current.path("verifier").asText(), current.toString());
            assertEquals("attached", current.path("attach").asText(), current.toString());
        }
    }

    @Test
    void onAllKernelsBpfForRunsWhereItCanAndIsExplainedWhereItCannot() {
        try (RunClient run = client()) {
            run.send(JSON.createObjectNode().put("type", "run_all").put("source", BPF_FOR)
                    .put("workload", "unlink-file").put("seconds", 3));
            run.awaitType("matrix_done", Duration.ofSeconds(300));
            JsonNode old = row(run, "debian12");
            JsonNode current = row(run, "debian13");
            assertEquals("failed", old.path("compile").asText(), old.toString());
            assertEquals(6, old.path("diagnostics").get(0).path("line").asInt(), old.toString());
            assertTrue(old.path("diagnostics").get(0).path("message").asText().startsWith("bpf_for needs open-coded "
                    + "iterators (Linux 6.4)"), old.toString());
            assertEquals("attached", current.path("attach").asText(), current.toString());
            assertTrue(current.path("processed").asInt() >= 1, current.toString());
        }
    }

    private static JsonNode row(RunClient run, String kernel) {
        return run.seen().stream().filter(m -> "matrix_row".equals(m.path("type").asText())
                && kernel.equals(m.path("kernel").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + kernel + ": " + run.seen()));
    }

    private static ObjectNode run(String source, String kernel) {
        return JSON.createObjectNode().put("type", "run").put("source", source).put("kernel", kernel);
    }
}
