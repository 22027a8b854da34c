package dev.bpflab.sandbox.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.compiler.CompileResult;
import dev.bpflab.compiler.TargetKernel;
import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.sandbox.Kernel;
import dev.bpflab.testing.Compilers;
import dev.bpflab.testing.Prerequisites;
import dev.bpflab.testing.RunClient;
import dev.bpflab.testing.VmTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two guest kernels in one backend: Debian 12's 6.1 (the default) and Debian 13's 6.12, each compiled for with its
 * own distribution's toolchain (clang 14 and libbpf 1.1 headers; clang 19 and libbpf 1.5) and run in its own VMs. The
 * programs are the ones learners bring from current libbpf-bootstrap and libbpf-tools, which the older toolchain or
 * kernel cannot take.
 */
@VmTest
class QemuKernelsTest {
    private static final Duration GUEST = Duration.ofSeconds(120);
    /** libbpf-bootstrap's current uprobe style: BPF_UPROBE came with libbpf 1.2 (Debian 13 has 1.5, Debian 12 1.1). */
    static final String UPROBE_PROGRAM = RunClient.program("uprobe_malloc_bpf_uprobe.bpf.c");
    /** An open-coded loop: bpf_for came with libbpf 1.2 and needs Linux 6.4's iterators. */
    static final String BPF_FOR_PROGRAM = RunClient.program("bpf_for_loop.bpf.c");
    /** struct inode's timestamps became i_atime_sec/i_atime_nsec in Linux 6.7 (6.1 has struct timespec64 i_atime). */
    static final String ATIME_SEC_PROGRAM = RunClient.program("core_i_atime_sec.bpf.c");

    static QemuBackend backend;

    @BeforeAll
    static void startBackend() throws Exception {
        Prerequisites.require(Prerequisites.isRoot(), "the qemu backend tests run as root");
        backend = new QemuBackend(QemuBackendTest.settings(Path.of("/run/bpflab-qemu-test-kernels")).withPoolSize(1)
                .withMaxLive(2).withKernels(List.of("debian12", "debian13"), 1), Compilers.host());
        backend.awaitReady("debian12", Duration.ofMinutes(15));
        backend.awaitReady("debian13", Duration.ofMinutes(15)); // first time: its image build and saved VM
    }

    @AfterAll
    static void stopBackend() {
        if (backend != null) {
            backend.close();
            assertEquals(List.of(), backend.qemuProcesses(), "no QEMU of ours is left after close()");
        }
    }

    @Test
    void eachKernelSaysItsReleaseAndToolchain() {
        List<Kernel> kernels = backend.kernels();
        assertEquals(List.of("debian12", "debian13"), kernels.stream().map(Kernel::id).toList());
        assertTrue(kernels.get(0).release().startsWith("6.1."), kernels.get(0).toString());
        assertTrue(kernels.get(0).name().contains("12 (bookworm)"), kernels.get(0).toString());
        assertTrue(kernels.get(0).toolchain().startsWith("clang 14") && kernels.get(0).toolchain().endsWith("libbpf 1.1"),
                kernels.get(0).toString());
        assertTrue(kernels.get(1).release().startsWith("6.12."), kernels.get(1).toString());
        assertTrue(kernels.get(1).name().contains("13 (trixie)"), kernels.get(1).toString());
        assertTrue(kernels.get(1).toolchain().startsWith("clang 19") && kernels.get(1).toolchain().endsWith("libbpf 1.5"),
                kernels.get(1).toString());
    }

    @Test
    void bpfUprobeCompilesWithDebian13sLibbpfAndAttachesToLibcOn612() throws Exception {
        CompileResult old = compile("debian12", UPROBE_PROGRAM);
        assertFalse(old.succeeded(), "libbpf 1.1's headers have no BPF_UPROBE");
        assertTrue(old.diagnostics().stream().anyMatch(d -> d.line() == 9), old.log());
        try (VmChannel vm = (VmChannel) backend.acquire(null, "debian13", position -> { })) {
            assertTrue(vm.describe().contains("debian13, guest kernel 6.12."), vm.describe());
            AgentTranscript transcript = attach(vm, "debian13", UPROBE_PROGRAM);
            JsonNode attached = transcript.await(m -> m.path("phase").asText().equals("attached"), GUEST, "attached");
            assertTrue(attached.toString().contains("on_malloc"), attached.toString());
        }
    }

    @Test
    void bpfForRunsOn612AndDoesNotCompileForDebian12() throws Exception {
        CompileResult old = compile("debian12", BPF_FOR_PROGRAM);
        assertFalse(old.succeeded(), "libbpf 1.1 has no bpf_for");
        try (VmChannel vm = (VmChannel) backend.acquire(null, "debian13", position -> { })) {
            AgentTranscript transcript = attach(vm, "debian13", BPF_FOR_PROGRAM);
            transcript.await(m -> m.path("phase").asText().equals("attached"), GUEST, "attached");
            vm.send(AgentTranscript.workload("unlink-file"));
            transcript.await(m -> m.path("type").asText().equals("printk") && m.toString().contains("sum 45"), GUEST,
                    "the loop's sum from the 6.12 kernel");
        }
    }

    @Test
    void theCoreFieldIAtimeSecIsThereOn612AndNamedWhereItIsNot() throws Exception {
        CompileResult old = compile("debian12", ATIME_SEC_PROGRAM);
        assertFalse(old.succeeded());
        assertTrue(old.log().contains("i_atime_sec") && old.log().contains("struct inode"), old.log());
        try (VmChannel vm = (VmChannel) backend.acquire(null, "debian13", position -> { })) {
            AgentTranscript transcript = attach(vm, "debian13", ATIME_SEC_PROGRAM);
            transcript.await(m -> m.path("phase").asText().equals("attached"), GUEST, "attached");
            vm.send(AgentTranscript.workload("unlink-file"));
            transcript.await(m -> m.path("type").asText().equals("printk")
                    && m.toString().contains("directory last read at"), GUEST, "a printk from the LSM hook");
        }
    }

    @Test
    void theDefaultKernelStaysDebian12() throws Exception {
        try (VmChannel vm = (VmChannel) backend.acquire(position -> { })) {
            assertTrue(vm.describe().contains("debian12, guest kernel 6.1."), vm.describe());
        }
        TargetKernel target = backend.targetKernel();
        assertTrue(target.release().startsWith("6.1."), target.toString());
    }

    private static CompileResult compile(String kernel, String source) throws Exception {
        return Compilers.host().compileNow(source, backend.targetKernel(kernel));
    }

    /** Sends {@code source}, compiled for {@code kernel}, to the agent in {@code vm}; the transcript hears the rest. */
    private static AgentTranscript attach(VmChannel vm, String kernel, String source) throws Exception {
        CompileResult compiled = compile(kernel, source);
        assertTrue(compiled.succeeded(), compiled.log());
        AgentTranscript transcript = AgentTranscript.listenTo(vm);
        vm.send(RunJson.write(new AgentCommand.Start(source, compiled.object(), 300, Map.of(), null, null,
                compiled.coreBtf())));
        return transcript;
    }
}
