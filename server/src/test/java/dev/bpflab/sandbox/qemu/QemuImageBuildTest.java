package dev.bpflab.sandbox.qemu;

import dev.bpflab.testing.Compilers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.sandbox.AgentChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import dev.bpflab.testing.Prerequisites;
import dev.bpflab.testing.VmTest;

/**
 * The guest image build (the first start on a fresh host: Debian downloads and mmdebstrap, minutes) dies with the
 * server that started it, however that server ends, and leaves nothing that a later start would trust.
 *
 * <p>Each stop comes once mmdebstrap is at work, a few seconds into a build. The last start does not build the
 * Debian base again: it finds one as a finished build leaves it (linked from the image the other qemu tests use), so
 * it builds only the agent layer, then boots the VM to save from the new image.
 */
@VmTest
class QemuImageBuildTest {
    static final Path GUEST = Path.of("/var/cache/bpflab-guest-test-build");
    /** The default kernel's images: build-image.sh's OUT_DIR, and what its processes are marked with. */
    static final Path KERNEL_DIR = GUEST.resolve(QemuSettings.DEFAULT_KERNEL);
    static final Duration BUILD_STARTS = Duration.ofMinutes(5); // downloads the kernel package first
    static Path finishedBase;

    @BeforeAll
    static void finishedBase() throws Exception {
        Prerequisites.require(Prerequisites.isRoot(), "the qemu backend tests run as root");
        try (QemuBackend backend = new QemuBackend(QemuBackendTest.settings(Path.of("/run/bpflab-qemu-test-image"))
                .withPoolSize(0), Compilers.host())) {
            backend.awaitReady(Duration.ofMinutes(15));
        }
        // current -> image-BASE-LAYER, built on base-BASE
        Path kernelDir = QemuSettings.DEFAULT_GUEST_DIR.resolve(QemuSettings.DEFAULT_KERNEL);
        String image = kernelDir.resolve("current").toRealPath().getFileName().toString();
        finishedBase = kernelDir.resolve("base-" + image.split("-")[1]);
        assertTrue(Files.isRegularFile(finishedBase.resolve("done")), finishedBase + " is a finished base");
        BuildWatch.clean(GUEST);
    }

    @AfterAll
    static void removeGuestDir() throws Exception {
        BuildWatch.clean(GUEST);
    }

    static QemuSettings settings(String runDir) {
        return QemuBackendTest.settings(Path.of(runDir)).withGuestDir(GUEST).withPoolSize(0);
    }

    @Test
    void aBuildStoppedHalfwayDiesWithItsServerAndTheNextStartBuildsAWorkingImage() throws Exception {
        // 1. The backend closes while it builds: close() returns with the whole build gone, mounts included.
        QemuBackend first = new QemuBackend(settings("/run/bpflab-qemu-test-build-1"), Compilers.host());
        Set<ProcessHandle> build;
        try {
            BuildWatch.awaitProcess(KERNEL_DIR, "mmdebstrap", BUILD_STARTS);
            build = BuildWatch.buildTree(KERNEL_DIR);
        } finally {
            first.close();
        }
        assertEquals(List.of(), names(BuildWatch.awaitGone(build, Duration.ofSeconds(2))),
                "no process of the build outlives close()");
        assertEquals(List.of(), names(BuildWatch.processesIn(KERNEL_DIR)));
        assertEquals(List.of(), BuildWatch.mountsUnder(KERNEL_DIR), "no mount of the build is left");
        assertNothingTrusted();

        // 2. A server killed with SIGKILL takes its build with it.
        Process killed = startServer(false, "/run/bpflab-qemu-test-build-2");
        BuildWatch.awaitProcess(KERNEL_DIR, "mmdebstrap", BUILD_STARTS);
        build = BuildWatch.buildTree(KERNEL_DIR);
        killed.destroyForcibly();
        assertEquals(List.of(), names(BuildWatch.awaitGone(build, Duration.ofSeconds(15))),
                "the build died with its server");
        assertEquals(List.of(), BuildWatch.mountsUnder(KERNEL_DIR));
        assertNothingTrusted();

        // 3. A server killed together with everything in its process group (the build's guard too) leaves the build
        // running on its own...
        Process orphaning = startServer(true, "/run/bpflab-qemu-test-build-3");
        BuildWatch.awaitProcess(KERNEL_DIR, "mmdebstrap", BUILD_STARTS);
        Set<ProcessHandle> orphans = BuildWatch.buildTree(KERNEL_DIR);
        new ProcessBuilder("kill", "-9", "--", "-" + orphaning.pid()).inheritIO().start().waitFor();
        assertTrue(orphaning.waitFor(10, TimeUnit.SECONDS));
        assertTrue(orphans.stream().anyMatch(p -> p.isAlive() && BuildWatch.comm(p).equals("mmdebstrap")),
                "the build outlived its server and guard: " + names(List.copyOf(orphans)));

        // ...until the next start, which ends it before it builds, on a finished Debian base (see the class comment).
        linkFinishedBase();
        try (QemuBackend next = new QemuBackend(settings("/run/bpflab-qemu-test-build-4"), Compilers.host())) {
            assertEquals(List.of(), names(BuildWatch.awaitGone(orphans, Duration.ofSeconds(30))),
                    "the next start killed the build left running");
            next.awaitReady(Duration.ofMinutes(15));
            try (AgentChannel vm = next.acquire(position -> { })) {
                assertTrue(vm.describe().contains("guest kernel 6."), vm.describe());
            }
        }
        assertTrue(Files.isRegularFile(KERNEL_DIR.resolve("current/image.id")), "a complete image is current");
        try (Stream<Path> files = Files.list(KERNEL_DIR)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(),
                    "what the stopped builds left is gone");
        }
        assertEquals(List.of(), names(BuildWatch.processesIn(KERNEL_DIR)));
    }

    /** Neither the script (a finished base or image) nor the backend (current) would use anything in GUEST. */
    private static void assertNothingTrusted() throws Exception {
        assertFalse(Files.exists(KERNEL_DIR.resolve("current"), LinkOption.NOFOLLOW_LINKS), "no current image");
        List<Path> trusted = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(KERNEL_DIR)) {
            for (Path dir : dirs.toList()) {
                String name = dir.getFileName().toString();
                if (!name.endsWith(".tmp") && (Files.exists(dir.resolve("done")) || Files.exists(dir.resolve("image.id")))) {
                    trusted.add(dir);
                }
            }
        }
        assertEquals(List.of(), trusted, "nothing half-built is marked finished");
    }

    /** A stand-in server building into GUEST; {@code ownGroup}: in a process group of its own (setsid). */
    private static Process startServer(boolean ownGroup, String runDir) throws Exception {
        List<String> command = new ArrayList<>();
        if (ownGroup) {
            command.add("setsid");
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), BuildingServer.class.getName(), GUEST.toString(), runDir));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** The finished base, hard-linked (cp -al: its toolchain root has links of every kind, which stay links). */
    private static void linkFinishedBase() throws Exception {
        Files.createDirectories(KERNEL_DIR);
        Process cp = new ProcessBuilder("cp", "-al", finishedBase.toString(),
                KERNEL_DIR.resolve(finishedBase.getFileName()).toString()).inheritIO().start();
        assertEquals(0, cp.waitFor(), "cp -al of the finished base");
    }

    private static List<String> names(List<ProcessHandle> processes) {
        return processes.stream().map(p -> p.pid() + " " + BuildWatch.comm(p)).toList();
    }
}
