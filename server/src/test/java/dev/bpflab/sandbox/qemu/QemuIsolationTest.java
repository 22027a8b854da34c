package dev.bpflab.sandbox.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bpflab.support.process.Command;
import dev.bpflab.support.process.ProcessResult;
import dev.bpflab.testing.Compilers;
import dev.bpflab.testing.Prerequisites;
import dev.bpflab.testing.VmTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What one VM's QEMU could do to another VM or to the RAM all VMs start from, were a guest to take it over: it runs as
 * a user of its own, without capabilities, under a seccomp sandbox that denies all it can, and nothing it holds can
 * write the saved VM's RAM. Checked from outside, as the VM's user (setpriv) and as root.
 */
@VmTest
class QemuIsolationTest {
    static final Path RUN_DIR = Path.of(System.getProperty("bpflab.qemu.run-dir", "/run/bpflab-qemu-test-iso"));
    static QemuBackend backend;

    @BeforeAll
    static void startBackend() throws Exception {
        Prerequisites.require(Prerequisites.isRoot(), "the qemu backend tests run as root");
        backend = new QemuBackend(QemuBackendTest.settings(RUN_DIR).withPoolSize(2).withMaxLive(2), Compilers.host());
        backend.awaitReady(Duration.ofMinutes(15));
    }

    @AfterAll
    static void stopBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void eachVmRunsAsAUserOfItsOwnThatCannotReachTheOtherVm() throws Exception {
        try (VmChannel a = (VmChannel) backend.acquire(position -> { });
                VmChannel b = (VmChannel) backend.acquire(position -> { })) {
            int uidA = a.vm().confinement().uid;
            int uidB = b.vm().confinement().uid;
            assertNotEquals(uidA, uidB, "two live VMs never share a user");
            long pidA = a.vm().process().pid();
            long pidB = b.vm().process().pid();
            for (long pid : List.of(pidA, pidB)) {
                String status = Files.readString(Path.of("/proc/" + pid + "/status"));
                int uid = pid == pidA ? uidA : uidB;
                assertTrue(uid >= 64100 && uid <= 64199, "a uid of the VM range: " + uid);
                assertTrue(status.contains("\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n"), status);
                assertTrue(status.contains("\nCapEff:\t0000000000000000\n"), "no capabilities: " + status);
                assertTrue(status.contains("\nCapPrm:\t0000000000000000\n"), "none to regain: " + status);
                assertTrue(status.contains("\nNoNewPrivs:\t1\n"), status);
                assertTrue(status.contains("\nSeccomp:\t2\n"), "QEMU's seccomp filter is on: " + status);
                String commandLine = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
                assertTrue(commandLine.contains(" -sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,"
                        + "resourcecontrol=deny "), commandLine);
                assertFalse(commandLine.contains("-runas"), commandLine);
            }

            Path dirB = b.vm().sockets.dir();
            assertEquals(0, asUser(uidA, "kill -0 " + pidA).exitCode(), "as A, A's own QEMU can be signalled");
            assertDenied(asUser(uidA, "kill -0 " + pidB), "as A, signalling B's QEMU");
            assertDenied(asUser(uidA, "ls " + dirB), "as A, listing B's directory");
            assertDenied(asUser(uidA, "cat " + dirB.resolve("log")), "as A, reading B's log");
            assertDenied(asUser(uidA, "exec 3<>" + dirB.resolve("agent")), "as A, opening B's agent socket");
            assertDenied(asUser(uidA, "head -c 1 /proc/" + pidB + "/environ"), "as A, reading B's process");
        }
    }

    @Test
    void noVmCanWriteTheRamItWasRestoredFrom() throws Exception {
        try (VmChannel vm = (VmChannel) backend.acquire(position -> { })) {
            long pid = vm.vm().process().pid();
            List<Path> savedRam = savedRamFiles();
            assertFalse(savedRam.isEmpty(), "a saved VM is there");
            for (Path memory : savedRam) {
                assertEquals(0, (Integer) Files.getAttribute(memory, "unix:uid"), memory + " is root's");
                assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(memory)), memory.toString());
                assertDenied(asUser(vm.vm().confinement().uid, "printf x >> " + memory), "as the VM, appending to " + memory);
            }

            // Every descriptor the QEMU holds on the saved VM's RAM (the file, or the sealed copy it maps): if the
            // process may write through it, a write of the byte already there must fail even for root.
            int ramDescriptors = 0;
            try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
                for (Path fd : fds.toList()) {
                    String target;
                    try {
                        target = Files.readSymbolicLink(fd).toString();
                    } catch (IOException e) {
                        continue; // closed meanwhile
                    }
                    if (!target.startsWith("/memfd:bpflab-saved-vm-ram") && !savedRam.contains(Path.of(target))) {
                        continue;
                    }
                    ramDescriptors++;
                    if (!writableByItsHolder(pid, fd.getFileName().toString())) {
                        continue;
                    }
                    try (FileChannel channel = FileChannel.open(fd, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                        ByteBuffer first = ByteBuffer.allocate(1);
                        channel.read(first, 0);
                        first.flip();
                        channel.write(first, 0);
                        fail("QEMU holds " + target + " writable (fd " + fd.getFileName() + "), and a write through it"
                                + " worked");
                    } catch (IOException e) {
                        assertTrue(e.getMessage().contains("Operation not permitted"), target + ": " + e.getMessage());
                    }
                }
            }
            assertTrue(ramDescriptors > 0, "the VM's RAM comes from the saved VM");
        }
    }

    @Test
    void aVmIsInACgroupOfItsOwnWhereTheHostHasCgroupV2() throws Exception {
        try (VmChannel vm = (VmChannel) backend.acquire(position -> { })) {
            Path cgroup = vm.vm().confinement().cgroup;
            // Where there are none, VmCgroupsTest checks that the reason is told; the log's "VM isolation" line has it.
            assumeTrue(cgroup != null, "VMs get no cgroups on this host");
            String membership = Files.readString(Path.of("/proc/" + vm.vm().process().pid() + "/cgroup"));
            assertTrue(("/sys/fs/cgroup" + membership.strip().substring(3)).equals(cgroup.toString()), membership);
            long max = Long.parseLong(Files.readString(cgroup.resolve("memory.max")).strip());
            assertTrue(max > 768L << 20 && max < 2048L << 20, "a little above the guest's RAM: " + max);
        }
    }

    private static List<Path> savedRamFiles() throws IOException {
        try (Stream<Path> dirs = Files.list(QemuSettings.defaults().savedVmsDir(QemuSettings.DEFAULT_KERNEL))) {
            List<Path> files = new ArrayList<>();
            for (Path dir : dirs.toList()) {
                if (Files.isRegularFile(dir.resolve("complete")) && Files.isRegularFile(dir.resolve("memory"))
                        && Files.readString(dir.resolve("machine")).contains(Machine.CLONE_RAM)) {
                    files.add(dir.resolve("memory"));
                }
            }
            return files;
        }
    }

    /** Whether the descriptor was opened for writing (its fdinfo flags' access mode is not O_RDONLY). */
    private static boolean writableByItsHolder(long pid, String fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return (Integer.parseInt(line.substring(6).strip(), 8) & 3) != 0;
            }
        }
        throw new IOException("no flags for fd " + fd + " of " + pid);
    }

    private static ProcessResult asUser(int uid, String script) throws Exception {
        return Command.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--", "/bin/sh", "-c",
                script).withStderrMerged().withTimeout(Duration.ofSeconds(10)).run();
    }

    private static void assertDenied(ProcessResult result, String what) {
        assertNotEquals(0, result.exitCode(), what + " worked: " + result.output());
        String said = result.output().toLowerCase();
        assertTrue(said.contains("permission denied") || said.contains("operation not permitted"),
                what + ": " + result.output());
    }
}
