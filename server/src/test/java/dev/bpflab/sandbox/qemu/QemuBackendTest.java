package dev.bpflab.sandbox.qemu;

import dev.bpflab.testing.Compilers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.sandbox.AgentChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import dev.bpflab.testing.Prerequisites;
import dev.bpflab.testing.VmTest;

/**
 * The qemu backend with real VMs (KVM if it works here, else TCG), restored from the saved VM the backend makes
 * from the guest image, which is built from Debian packages and this build's agent if it is missing or stale.
 */
@VmTest
class QemuBackendTest {
    static final Duration GUEST = Duration.ofSeconds(60); // generous: TCG on a busy 2-core CI machine
    static final String UNLINK_PROGRAM = """
            #include "vmlinux.h"
            #include <bpf/bpf_helpers.h>
            char LICENSE[] SEC("license") = "GPL";
            struct event { int pid; char comm[16]; char filename[64]; };
            struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 1 << 16); } events SEC(".maps");
            SEC("tracepoint/syscalls/sys_enter_unlinkat")
            int on_unlink(struct trace_event_raw_sys_enter *ctx) {
                struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
                if (!e) return 0;
                e->pid = bpf_get_current_pid_tgid() >> 32;
                bpf_get_current_comm(e->comm, sizeof(e->comm));
                bpf_probe_read_user_str(e->filename, sizeof(e->filename), (const char *)ctx->args[1]);
                bpf_ringbuf_submit(e, 0);
                return 0;
            }
            """;
    /** Reports how many bytes each read() by a process called "cat" returned. */
    static final String CAT_READS_PROGRAM = """
            #include "vmlinux.h"
            #include <bpf/bpf_helpers.h>
            char LICENSE[] SEC("license") = "GPL";
            struct event { int pid; long ret; char comm[16]; };
            struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 1 << 16); } events SEC(".maps");
            SEC("tracepoint/syscalls/sys_exit_read")
            int on_read(struct trace_event_raw_sys_exit *ctx) {
                char comm[16];
                bpf_get_current_comm(comm, sizeof(comm));
                if (comm[0] != 'c' || comm[1] != 'a' || comm[2] != 't' || comm[3] != 0) return 0;
                struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
                if (!e) return 0;
                e->pid = bpf_get_current_pid_tgid() >> 32;
                e->ret = ctx->ret;
                __builtin_memcpy(e->comm, comm, sizeof(comm));
                bpf_ringbuf_submit(e, 0);
                return 0;
            }
            """;

    static QemuBackend backend;

    static QemuSettings settings(Path runDir) {
        return QemuSettings.defaults().withRunDir(runDir)
                .withImageBuilder(Path.of("server/src/main/guest/build-image.sh"), Path.of("agent/target"))
                .withPoolSize(2).withMaxLive(4);
    }

    @BeforeAll
    static void startBackend() throws Exception {
        Prerequisites.require(Prerequisites.isRoot(), "the qemu backend tests run as root");
        backend = new QemuBackend(settings(Path.of("/run/bpflab-qemu-test")), Compilers.host());
        backend.awaitReady(Duration.ofMinutes(15)); // first time on a machine: image build + boot of the VM to save
    }

    @AfterAll
    static void stopBackend() {
        if (backend != null) {
            backend.close();
            assertEquals(List.of(), backend.qemuProcesses(), "no QEMU of ours is left after close()");
        }
    }

    static VmChannel acquire() throws Exception {
        AgentChannel channel = backend.acquire(position -> { });
        return (VmChannel) channel;
    }

    /** Runs {@code source} and waits until it is attached. */
    static AgentTranscript attach(VmChannel vm, String source) throws Exception {
        AgentTranscript transcript = AgentTranscript.listenTo(vm);
        vm.send(AgentTranscript.run(backend, source));
        transcript.await(m -> m.path("type").asText().equals("phase") && m.path("phase").asText().equals("attached"),
                GUEST, "attached phase");
        return transcript;
    }

    @Test
    void aRestoredVmRunsAProgramOnItsOwnKernel() throws Exception {
        assertTrue(backend.status().startsWith("qemu (kvm") || backend.status().startsWith("qemu (tcg"),
                backend.status());
        try (VmChannel vm = acquire()) {
            assertTrue(vm.describe().contains("guest kernel 6."), vm.describe());
            AgentTranscript transcript = attach(vm, UNLINK_PROGRAM);
            vm.send(AgentTranscript.workload("unlink-file"));
            JsonNode event = transcript.await(m -> m.path("type").asText().equals("event")
                    && m.path("fields").path("comm").asText().equals("rm"), GUEST, "unlink event from rm");
            assertTrue(event.path("fields").path("filename").asText().endsWith("victim.txt"), event.toString());
            long pid = vm.vm().process().pid();
            vm.close();
            assertEquals("the run was stopped", transcript.awaitExit(GUEST));
            assertFalse(backend.qemuProcesses().contains(pid), "the VM is gone once its run is over");
        }
    }

    @Test
    void aGuestPanicEndsItsOwnRunOnly() throws Exception {
        try (VmChannel doomed = acquire(); VmChannel bystander = acquire()) {
            AgentTranscript doomedTranscript = AgentTranscript.listenTo(doomed);
            AgentTranscript bystanderTranscript = attach(bystander, UNLINK_PROGRAM);
            long pid = doomed.vm().process().pid();

            doomed.crashGuest();
            String reason = doomedTranscript.awaitExit(GUEST);
            assertTrue(reason.contains("guest kernel panicked"), reason);
            assertTrue(reason.contains("sysrq triggered crash"), reason);
            assertFalse(backend.qemuProcesses().contains(pid), "the panicked VM is gone");

            bystander.send(AgentTranscript.workload("unlink-file"));
            bystanderTranscript.await(m -> m.path("type").asText().equals("event"), GUEST, "event in the other VM");
            assertFalse(bystanderTranscript.exit.isDone(), "the other run carries on");
        }
    }

    @Test
    void twoVmsSeeNeitherEachOthersEventsNorFiles() throws Exception {
        try (VmChannel first = acquire(); VmChannel second = acquire()) {
            AgentTranscript firstTranscript = attach(first, CAT_READS_PROGRAM);
            AgentTranscript secondTranscript = attach(second, CAT_READS_PROGRAM);

            // In the first VM: write 64 bytes to the workload file, then cat it (a 64-byte read).
            first.send(AgentTranscript.workload("write-file"));
            JsonNode written = firstTranscript.await(m -> m.path("type").asText().equals("workload")
                    && m.path("name").asText().equals("write-file"), GUEST, "write-file done");
            first.send(AgentTranscript.workload("read-file"));
            firstTranscript.await(m -> catRead(m, 64), GUEST, "the first VM's cat reading its 64 bytes");

            // Both agents come from one saved VM, yet each made its run directory after its VM woke, named from the
            // VM's own reseeded randomness. The second VM has no file: read-file creates it with its 16-byte default
            // text, and cat reads those.
            second.send(AgentTranscript.workload("read-file"));
            JsonNode read = secondTranscript.await(m -> m.path("type").asText().equals("workload")
                    && m.path("name").asText().equals("read-file"), GUEST, "read-file done");
            assertNotEquals(pathIn(written), pathIn(read), "each VM's agent names its run directory afresh");
            secondTranscript.await(m -> catRead(m, 16), GUEST, "the second VM's cat reading its own 16-byte file");

            assertFalse(secondTranscript.messages.stream().anyMatch(m -> catRead(m, 64)),
                    "the second VM never saw the first VM's file or its cat: " + secondTranscript.messages);
            Thread.sleep(1000);
            assertFalse(firstTranscript.messages.stream().anyMatch(m -> catRead(m, 16)),
                    "the first VM's tracepoint never fired for the second VM's cat: " + firstTranscript.messages);
        }
    }

    private static boolean catRead(JsonNode message, long bytes) {
        return message.path("type").asText().equals("event") && message.path("fields").path("ret").asLong() == bytes;
    }

    private static String pathIn(JsonNode workload) {
        java.util.regex.Matcher path = java.util.regex.Pattern.compile("/tmp/\\S+").matcher(workload.path("detail").asText());
        assertTrue(path.find(), workload.toString());
        return path.group();
    }
}
