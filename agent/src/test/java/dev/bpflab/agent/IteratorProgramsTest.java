package dev.bpflab.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.agent.bpf.BpfException;
import dev.bpflab.agent.bpf.BpfObject;
import dev.bpflab.protocol.AgentCommand;
import dev.bpflab.protocol.AgentMessage;
import dev.bpflab.protocol.RunJson;
import dev.bpflab.protocol.RunPhase;
import dev.bpflab.protocol.ServerMessage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Iterator programs ({@code SEC("iter/…")}) compiled with clang and run through {@link Run} against the real libbpf and
 * kernel: they print only when read, so the run reads them at attach and again when asked, and the learner sees the
 * text.
 */
@Tag("kernel") // clang, libbpf and root on this machine: left out by ./mvnw -Pfast
class IteratorProgramsTest {
    private static final long WAIT_MS = 20_000;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @Test
    void aTaskIteratorListsThisProcessAtAttachAndAProcessStartedSinceWhenReadAgain() throws Exception {
        try (Output output = new Output(out); Run run = new Run(output, LabProcesses.current(null))) {
            assertTrue(start(run, "iter_task.bpf.c"), said());
            ServerMessage.Phase attached = await(ServerMessage.Phase.class, p -> p.phase() == RunPhase.ATTACHED);
            assertEquals(List.of("ps → iter/task"), attached.programs());
            ServerMessage.IteratorOutput first = await(ServerMessage.IteratorOutput.class, o -> o.read() == 1);
            assertEquals("ps", first.program());
            assertFalse(first.truncated(), "a process list is far below the cap");
            assertTrue(first.text().startsWith("    PID COMM\n"), first.text());
            long self = ProcessHandle.current().pid();
            assertTrue(first.text().contains(String.format("%7d java\n", self)), "this JVM, pid " + self + ":\n"
                    + first.text());

            Process sleeper = new ProcessBuilder("sleep", "30").start();
            try {
                assertTrue(run.readIterators());
                ServerMessage.IteratorOutput second = await(ServerMessage.IteratorOutput.class, o -> o.read() == 2);
                String line = String.format("%7d sleep\n", sleeper.pid());
                assertFalse(first.text().contains(line), "the sleeper did not exist at the first read");
                assertTrue(second.text().contains(line), "a fresh walk sees the sleeper, pid " + sleeper.pid() + ":\n"
                        + second.text());
            } finally {
                sleeper.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aReadIsCutAt256KiBAndSaysSo() throws Exception {
        try (Output output = new Output(out); Run run = new Run(output, LabProcesses.current(null))) {
            assertTrue(start(run, "iter_verbose.bpf.c"), said());
            ServerMessage.IteratorOutput first = await(ServerMessage.IteratorOutput.class, o -> o.read() == 1);
            assertTrue(first.truncated(), "hundreds of tasks × 4 KiB");
            assertFalse(first.timedOut());
            assertEquals(ServerMessage.MAX_ITERATOR_BYTES, first.text().length());
            assertTrue(first.text().contains(" line 63 ...."), "the program's own lines, the first ones");
        }
    }

    @Test
    void aMapElementIteratorWalksTheObjectsOneMap() throws Exception {
        try (Output output = new Output(out); Run run = new Run(output, LabProcesses.current(null))) {
            assertTrue(start(run, "iter_map_elem.bpf.c"), said());
            ServerMessage.Phase attached = await(ServerMessage.Phase.class, p -> p.phase() == RunPhase.ATTACHED);
            assertEquals(List.of("dump_slots → iter/bpf_map_elem over map 'slots'"), attached.programs());
            ServerMessage.IteratorOutput first = await(ServerMessage.IteratorOutput.class, o -> o.read() == 1);
            assertEquals("slot 0 = 0\nslot 1 = 0\nslot 2 = 0\n", first.text());
        }
    }

    @Test
    void aMapElementIteratorWithTwoMapsItCouldWalkIsRefusedNamingBoth() throws Exception {
        try (Output output = new Output(out); Run run = new Run(output, LabProcesses.current(null))) {
            assertFalse(start(run, "iter_map_elem_two_maps.bpf.c"));
        }
        ServerMessage.Error error = await(ServerMessage.Error.class, e -> true);
        assertTrue(error.message().contains("'dump_slots'"), error.message());
        assertTrue(error.message().contains("has 2 ('slots', 'seen')"), error.message());
        assertEquals(ServerMessage.Phase.of(RunPhase.FAILED), await(ServerMessage.Phase.class, p -> p.phase().isFinal()));
    }

    /** Compiles {@code program} and starts it; a map element iterator only where this kernel loads one. */
    private boolean start(Run run, String program) throws Exception {
        byte[] object = compile(program);
        if (program.contains("map_elem")) {
            assumeThisKernelLoads(object);
        }
        return run.start(source(program), object, null, Map.of(), AgentCommand.DEFAULT_XDP_INTERFACE);
    }

    /**
     * Some kernels refuse a program type to root with EPERM (a kernel in lockdown refuses fentry; the 6.18 kernel of
     * the machine these tests were written on refuses iter/bpf_map_elem): there is nothing to test on those. The qemu
     * guest's kernel loads them (QemuIteratorRunTest).
     */
    private static void assumeThisKernelLoads(byte[] elf) {
        try (BpfObject object = BpfObject.open(elf, "probe", 1 << 20)) {
            object.load();
        } catch (BpfException e) {
            Assumptions.assumeFalse(e.getMessage().contains("errno 1)"), "this kernel refuses the program: " + e.getMessage());
            throw new AssertionError("the program does not load: " + e.getMessage(), e);
        }
    }

    private String said() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The first message of {@code type} the run wrote that {@code matches}, waiting for it up to 20 s. */
    private <T extends AgentMessage> T await(Class<T> type, Predicate<T> matches) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        do {
            for (String line : said().lines().toList()) {
                AgentMessage message = RunJson.agent(line);
                if (type.isInstance(message) && matches.test(type.cast(message))) {
                    return type.cast(message);
                }
            }
            Thread.sleep(50);
        } while (System.nanoTime() < end);
        throw new AssertionError("no " + type.getSimpleName() + " as expected in:\n" + said());
    }

    private static String source(String program) throws Exception {
        try (InputStream in = IteratorProgramsTest.class.getResourceAsStream("/programs/" + program)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** clang, with the programs' directory on the include path (for iter_types.h and the programs they include). */
    private byte[] compile(String program) throws Exception {
        Path programs = Path.of(IteratorProgramsTest.class.getResource("/programs/iter_types.h").toURI()).getParent();
        Files.writeString(dir.resolve(AgentCommand.SOURCE_FILE), source(program));
        Process clang = new ProcessBuilder("clang", "-target", "bpf", "-O2", "-g", "-I/usr/include/x86_64-linux-gnu",
                "-I" + programs, "-c", AgentCommand.SOURCE_FILE, "-o", "prog.bpf.o").directory(dir.toFile())
                .redirectErrorStream(true).start();
        String said = new String(clang.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(clang.waitFor(60, TimeUnit.SECONDS) && clang.exitValue() == 0, "clang: " + said);
        return Files.readAllBytes(dir.resolve("prog.bpf.o"));
    }
}
