package dev.bpflab.support.process;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Test helpers: pids printed by shell scripts, and whether they still run. */
final class Processes {
    private Processes() {
    }

    /** The numbers among {@code output}'s lines (what {@code echo $!} printed). */
    static List<Long> pids(String output) {
        return output.lines().map(String::strip).filter(l -> l.matches("[0-9]+")).map(Long::parseLong).toList();
    }

    /** Running means alive and not a zombie waiting to be reaped. */
    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** Fails unless every pid stops running within 2 s (a SIGKILL takes a moment to land). */
    static void assertAllGone(List<Long> pids) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (long pid : pids) {
            while (running(pid)) {
                if (System.nanoTime() > deadline) {
                    fail("process " + pid + " still runs");
                }
                Thread.sleep(20);
            }
        }
    }
}
