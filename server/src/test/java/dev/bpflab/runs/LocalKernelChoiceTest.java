package dev.bpflab.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.kernels.KernelFeatures;
import dev.bpflab.protocol.AgentMessage;
import dev.bpflab.sandbox.Kernel;
import dev.bpflab.sandbox.local.LocalBackend;
import dev.bpflab.testing.KernelTest;
import dev.bpflab.testing.RunClient;
import dev.bpflab.testing.SandboxContract;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A run names its kernel: the local backend's one, "host"; another is refused; a need the kernel lacks is said. */
@QuarkusTest
@KernelTest
class LocalKernelChoiceTest extends SandboxContract {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration SOON = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KernelFeatures kernels;

    private static JsonNode run(String source, String kernel) {
        return JSON.createObjectNode().put("type", "run").put("source", source).put("kernel", kernel);
    }

    @Test
    void aRunNamingTheHostsKernelRunsOnIt() {
        try (RunClient run = client()) {
            run.send((com.fasterxml.jackson.databind.node.ObjectNode) run(RunClient.program("unlink_events.bpf.c"),
                    LocalBackend.KERNEL_ID));
            run.awaitPhase("attached", START);
            run.workload("unlink-file");
            run.await("an unlinkat event", m -> "event".equals(m.path("type").asText()), SOON);
        }
    }

    @Test
    void anUnknownKernelIsRefusedAndTheRunningProgramGoesOn() {
        try (RunClient run = client()) {
            run.run(RunClient.program("unlink_events.bpf.c"));
            run.awaitPhase("attached", START);
            run.send((com.fasterxml.jackson.databind.node.ObjectNode) run(RunClient.program("unlink_events.bpf.c"),
                    "debian99"));
            JsonNode refused = run.await("unknown-kernel", m -> "unknown-kernel".equals(m.path("code").asText()), SOON);
            assertTrue(refused.path("message").asText().contains("[host]"), refused.toString());
            assertEquals("debian99", refused.path("args").path("kernel").asText(), refused.toString());
            run.drain();
            run.workload("unlink-file");
            run.await("an event of the run that was not replaced", m -> "event".equals(m.path("type").asText()), SOON);
            assertTrue(run.seen().stream().noneMatch(m -> RunClient.isPhase(m, "stopped") || RunClient.isPhase(m, "failed")),
                    "the attached run was not touched: " + run.seen());
        }
    }

    @Test
    void aCompileIsForTheKernelItNamesAndAnUnknownOneIsSaidAsItsProblem() {
        try (RunClient run = client()) {
            run.send(JSON.createObjectNode().put("type", "compile").put("source", RunClient.program("unlink_events.bpf.c"))
                    .put("id", 1).put("kernel", LocalBackend.KERNEL_ID));
            JsonNode compiled = run.await("compiled 1", m -> "compiled".equals(m.path("type").asText())
                    && m.path("id").asInt() == 1, START);
            assertTrue(compiled.path("ok").asBoolean(), compiled.toString());
            run.send(JSON.createObjectNode().put("type", "compile").put("source", RunClient.program("unlink_events.bpf.c"))
                    .put("id", 2).put("kernel", "debian99"));
            JsonNode refused = run.await("compiled 2", m -> "compiled".equals(m.path("type").asText())
                    && m.path("id").asInt() == 2, SOON);
            assertEquals(false, refused.path("ok").asBoolean(), refused.toString());
            assertTrue(refused.path("problem").asText().contains("this lab has no kernel 'debian99'"), refused.toString());
        }
    }

    /**
     * This host has open-coded iterators; a kernel probed without them is stood in by recording such a probe for
     * "host" (what a probe of a 6.1 kernel answers), and the real probe is put back afterwards.
     */
    @Test
    void aNeedTheKernelWasProbedWithoutIsSaidOnItsLineBeforeCompiling() throws Exception {
        Kernel host = backend.kernels().get(0);
        KernelFeatures.Probe real = realProbe(host);
        Map<String, Boolean> without = new LinkedHashMap<>(real.features().features());
        without.put("open-coded-iterators", false);
        kernels.record(host.id(), host.release(), new AgentMessage.Features(without,
                Map.of("open-coded-iterators", "the kernel's BTF has no kfunc bpf_iter_num_new")));
        try (RunClient run = client()) {
            run.run("#include \"vmlinux.h\"\n#include <bpf/bpf_helpers.h>\n\nSEC(\"tp/syscalls/sys_enter_unlinkat\")\n"
                    + "int count(void *ctx)\n{\n    int i, n = 0;\n    bpf_for(i, 0, 3) { n += i; }\n    return n;\n}\n"
                    + "char LICENSE[] SEC(\"license\") = \"GPL\";\n");
            JsonNode diagnostics = run.awaitType("diagnostics", SOON);
            assertEquals("kernel", diagnostics.path("stage").asText(), diagnostics.toString());
            JsonNode item = diagnostics.path("items").get(0);
            assertEquals(8, item.path("line").asInt(), item.toString());
            assertEquals(5, item.path("column").asInt(), item.toString());
            assertTrue(item.path("message").asText().startsWith("bpf_for needs open-coded iterators (Linux 6.4); this "
                    + "host's kernel " + host.release() + " does not have them (the kernel's BTF has no kfunc "
                    + "bpf_iter_num_new)"), item.toString());
            run.awaitPhase("failed", SOON);
            assertTrue(run.seen().stream().noneMatch(m -> RunClient.isPhase(m, "compiling")), "nothing compiled: "
                    + run.seen());
            // While typing, the same answer: not clang's complaint about an undeclared bpf_for.
            run.send(JSON.createObjectNode().put("type", "compile").put("id", 7).put("source", "#include \"vmlinux.h\"\n"
                    + "#include <bpf/bpf_helpers.h>\n\nSEC(\"tp/syscalls/sys_enter_unlinkat\")\nint count(void *ctx)\n{\n"
                    + "    int i, n = 0;\n    bpf_for(i, 0, 3) { n += i; }\n    return n;\n}\n"));
            JsonNode compiled = run.await("compiled 7", m -> "compiled".equals(m.path("type").asText())
                    && m.path("id").asInt() == 7, SOON);
            assertEquals(false, compiled.path("ok").asBoolean(), compiled.toString());
            assertEquals(8, compiled.path("diagnostics").get(0).path("line").asInt(), compiled.toString());
            assertTrue(compiled.path("diagnostics").get(0).path("message").asText().startsWith("bpf_for needs "),
                    compiled.toString());
        } finally {
            kernels.record(host.id(), real.release(), real.features());
        }
    }

    private KernelFeatures.Probe realProbe(Kernel host) throws InterruptedException {
        for (int i = 0; i < 120; i++) {
            kernels.request(host.id());
            var probe = kernels.current(host);
            if (probe.isPresent()) {
                return probe.get();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the host's kernel was not probed within a minute: " + kernels.problem(host.id()));
    }
}
