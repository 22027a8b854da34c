package dev.bpflab.sandbox.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bpflab.testing.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A VM's QEMU in a cgroup of its own, capped; or, where the host has no cgroup v2 with memory and cpu, no caps and a
 * reason for the log. Which half runs depends on the host (this project's test machine has cgroup v1).
 */
class VmCgroupsTest {
    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    private static boolean hostHasV2MemoryAndCpu() {
        try {
            return Set.of(Files.readString(ROOT.resolve("cgroup.subtree_control")).strip().split("\\s+"))
                    .containsAll(Set.of("memory", "cpu"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void withoutCgroupV2MemoryAndCpuVmsRunUncappedAndTheLogSaysWhy() {
        assumeFalse(hostHasV2MemoryAndCpu(), "this host has cgroup v2 with memory and cpu");
        VmCgroups cgroups = VmCgroups.open("auto");
        assertFalse(cgroups.enabled());
        assertTrue(cgroups.describe().startsWith("no cgroup caps ("), cgroups.describe());
        assertTrue(cgroups.describe().contains("cgroup v1 or hybrid") || cgroups.describe().contains("not memory and cpu"),
                cgroups.describe());
    }

    @Test
    void noneMeansNoCaps() {
        VmCgroups cgroups = VmCgroups.open("none");
        assertFalse(cgroups.enabled());
        assertEquals("no cgroup caps (bpflab.qemu.cgroup=none)", cgroups.describe());
    }

    @Test
    void aProcessStartedInAVmCgroupIsKilledAtItsMemoryCap() throws Exception {
        Prerequisites.require(Prerequisites.isRoot(), "making cgroups needs root");
        assumeTrue(hostHasV2MemoryAndCpu(), "this host has no cgroup v2 with the memory and cpu controllers");
        Path parent = Files.createDirectory(ROOT.resolve("bpflab-cgroups-test-" + ProcessHandle.current().pid()));
        try {
            VmCgroups cgroups = VmCgroups.open(parent.toString());
            assertTrue(cgroups.enabled(), cgroups.describe());
            Path cgroup = cgroups.create("test.vm-1", 64L << 20);
            assertEquals(String.valueOf(64L << 20), Files.readString(cgroup.resolve("memory.max")).strip());
            assertEquals("100", Files.readString(cgroup.resolve("cpu.weight")).strip());
            // The way a VM is started (VmIsolation.Confinement.launch): join, then become the program.
            Process hog = new ProcessBuilder(List.of("/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\"",
                    cgroup.resolve("cgroup.procs").toString(), "perl", "-e", "my $x = 'x' x (256 << 20); sleep 30"))
                    .start();
            assertTrue(hog.waitFor(60, TimeUnit.SECONDS), "the hog ends");
            assertEquals(128 + 9, hog.exitValue(), "killed by the cgroup's OOM killer (SIGKILL)");
            assertTrue(Files.readString(cgroup.resolve("memory.events")).contains("oom_kill 1"),
                    Files.readString(cgroup.resolve("memory.events")));
            VmCgroups.remove(cgroup);
            assertFalse(Files.exists(cgroup), "the VM's cgroup is removed with it");
        } finally {
            Files.deleteIfExists(parent);
        }
    }
}
