package dev.bpflab.support.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Scheduling priority ({@code nice}) of a whole running process. On Linux a nice value belongs to a thread, not to a
 * process: {@code renice -p PID} (setpriority(PRIO_PROCESS, PID)) changes only the thread whose id is PID, so the
 * threads a program had already started (QEMU's vCPU thread, where an emulated guest spends its CPU) keep theirs.
 * This renices every thread listed in {@code /proc/PID/task}; threads started later inherit from the thread that
 * starts them.
 */
public final class Priorities {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private Priorities() {
    }

    /**
     * Sets {@code nice} (-20..19) on every thread of process {@code pid}.
     *
     * @return whether renice succeeded for every thread listed (false: the process is gone, renice is missing, or
     *         the caller may not lower a priority, which needs CAP_SYS_NICE)
     * @throws InterruptedException interrupted while renice ran
     */
    public static boolean renice(long pid, int nice) throws InterruptedException {
        if (nice < -20 || nice > 19) {
            throw new IllegalArgumentException("nice is -20..19, not " + nice);
        }
        // A thread started while renice runs, by a thread not yet reniced, keeps the old value: look again, a few times.
        for (int pass = 0; pass < 3; pass++) {
            if (!reniceThreadsListed(pid, nice)) {
                return false;
            }
            List<Integer> now = niceOfThreads(pid);
            if (now.isEmpty()) {
                return false;
            }
            if (now.stream().allMatch(n -> n == nice)) {
                return true;
            }
        }
        return false;
    }

    private static boolean reniceThreadsListed(long pid, int nice) throws InterruptedException {
        List<String> argv = new ArrayList<>(List.of("renice", "-n", Integer.toString(nice), "-p"));
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            tasks.map(t -> t.getFileName().toString()).forEach(argv::add);
        } catch (IOException e) {
            return false;
        }
        try {
            return Command.of(argv.toArray(String[]::new)).withTimeout(TIMEOUT).run().exitCode() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The nice value of every thread of {@code pid}, from {@code /proc/PID/task/TID/stat} (field 19), in no order;
     * empty when the process is gone.
     */
    public static List<Integer> niceOfThreads(long pid) {
        List<Integer> values = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat = Files.readString(task.resolve("stat"));
                // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
                String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                values.add(Integer.parseInt(after[16]));
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return values;
    }
}
