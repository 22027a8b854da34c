package dev.bpflab.agent.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

/**
 * What the hand-laid open options do for a learner, through the real libbpf and kernel: the verifier's log reaches
 * the buffer named by kernel_log_buf/kernel_log_size, and object_name names the object.
 */
@Tag("kernel") // clang, libbpf and (for loads) root on this machine: left out by ./mvnw -Pfast
class BpfObjectOpenOptsTest {
    private static final String REJECTED = """
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>
            SEC("tp/syscalls/sys_enter_openat")
            int reads_past_its_context(void *ctx) {
                return *(volatile long *)((char *)ctx + 65536);
            }
            char LICENSE[] SEC("license") = "GPL";
            """;

    /** Reads the current task's pid through a CO-RE relocation against the kernel's struct task_struct. */
    private static final String CORE_READ = """
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>
            #include <bpf/bpf_core_read.h>
            struct %s { int pid; } __attribute__((preserve_access_index));
            SEC("tp/syscalls/sys_enter_openat")
            int reads_a_pid(void *ctx) {
                struct %s *t = (void *)bpf_get_current_task();
                int pid = 0;
                bpf_core_read(&pid, sizeof(pid), &t->pid);
                return pid == 0;
            }
            char LICENSE[] SEC("license") = "GPL";
            """;

    /** {@code source} compiled by clang for BPF in {@code dir}: the object's bytes. */
    static byte[] compile(Path dir, String source) throws Exception {
        Files.writeString(dir.resolve("p.bpf.c"), source);
        Process clang = new ProcessBuilder("clang", "-target", "bpf", "-O2", "-g", "-I/usr/include/x86_64-linux-gnu", "-c", "p.bpf.c", "-o", "p.bpf.o")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String said = new String(clang.getInputStream().readAllBytes());
        assertTrue(clang.waitFor(60, TimeUnit.SECONDS) && clang.exitValue() == 0, "clang: " + said);
        return Files.readAllBytes(dir.resolve("p.bpf.o"));
    }

    /** The kernel's BTF cut down to what {@code object} relocates against, as the server's compiler makes it. */
    private static Path minimalBtf(Path dir, byte[] object, String name) throws Exception {
        Path o = Files.write(dir.resolve(name + ".o"), object);
        Path btf = dir.resolve(name + ".btf");
        Process bpftool = new ProcessBuilder("bpftool", "gen", "min_core_btf", "/sys/kernel/btf/vmlinux", btf.toString(),
                o.toString()).redirectErrorStream(true).start();
        String said = new String(bpftool.getInputStream().readAllBytes());
        assertTrue(bpftool.waitFor(60, TimeUnit.SECONDS) && bpftool.exitValue() == 0, "bpftool: " + said);
        return btf;
    }

    @Test
    void coreRelocationsResolveAgainstTheBtfFileGiven(@TempDir Path dir) throws Exception {
        byte[] object = compile(dir, CORE_READ.formatted("task_struct", "task_struct"));
        Path itsBtf = minimalBtf(dir, object, "task");
        try (BpfObject loaded = BpfObject.open(object, "bpflab_core", 64 * 1024, itsBtf)) {
            loaded.load(); // task_struct.pid found in a file of a few hundred bytes
        }
        assertTrue(Files.size(itsBtf) < 64 * 1024, Files.size(itsBtf) + " bytes");
        // A BTF made for another program lacks task_struct: libbpf read the file given, not the kernel's BTF.
        Path otherBtf = minimalBtf(dir, compile(dir, CORE_READ.formatted("pid_namespace", "pid_namespace")
                .replace("->pid", "->level").replace("int pid; }", "int level; }")), "other");
        try (BpfObject loaded = BpfObject.open(object, "bpflab_core", 64 * 1024, otherBtf)) {
            assertThrows(BpfException.class, loaded::load);
        }
    }

    @Test
    void aRejectedProgramComesWithTheVerifierLog(@TempDir Path dir) throws Exception {
        try (BpfObject object = BpfObject.open(compile(dir, REJECTED), "bpflab_probe", 64 * 1024)) {
            assertEquals(List.of("reads_past_its_context"), object.programs().stream().map(BpfProgram::name).toList());
            VerifierException rejected = assertThrows(VerifierException.class, object::load);
            assertEquals("reads_past_its_context", rejected.program());
            // The verifier's wording varies between kernels; its echo of the source line and its summary do not.
            assertTrue(rejected.log().contains("return *(volatile long *)((char *)ctx + 65536);"), rejected.log());
            assertTrue(rejected.log().matches("(?s).*\\bprocessed \\d+ insns\\b.*"), rejected.log());
            assertFalse(rejected.truncated(), "a short log fits the buffer");
        }
    }
}
