package dev.bpflab.compiler;

import java.time.Duration;

/**
 * What one compile of a learner's program may use on the host. clang runs under these as resource limits
 * ({@code prlimit}), so a program that asks for more ends that compile only, with a diagnostic naming the limit.
 *
 * @param memoryBytes the compiler's address space (RLIMIT_AS); clang needs about 250 MiB for a libbpf-style program
 * @param cpu         CPU time (RLIMIT_CPU), whole seconds
 * @param objectBytes the largest file the compiler may write (RLIMIT_FSIZE): a huge object never reaches the disk
 * @param processes   processes of the jail's user at once (RLIMIT_NPROC); clang runs as one process
 * @param wall        wall-clock time until the compile is killed, queueing for a CPU included
 * @param outputBytes what is kept of clang's messages; the rest is counted and dropped
 */
public record CompileLimits(long memoryBytes, Duration cpu, long objectBytes, int processes, Duration wall,
        int outputBytes) {
    public static final long MIB = 1024 * 1024;

    public CompileLimits {
        if (memoryBytes < 256 * MIB || objectBytes < MIB || processes < 2 || outputBytes < 4096) {
            throw new IllegalArgumentException("compile limits below what clang needs: " + memoryBytes + " B memory, "
                    + objectBytes + " B object, " + processes + " processes, " + outputBytes + " B output");
        }
        if (cpu.toSeconds() < 1 || wall.compareTo(cpu) < 0) {
            throw new IllegalArgumentException("the CPU limit must be at least 1 s and the wall limit at least as long");
        }
    }

    /** 1.5 GiB, 20 s of CPU, 16 MiB objects, 64 processes, 30 s, 256 KiB of messages. */
    public static CompileLimits defaults() {
        return new CompileLimits(1536 * MIB, Duration.ofSeconds(20), 16 * MIB, 64, Duration.ofSeconds(30), 256 * 1024);
    }

    /** "1.5 GiB", "16 MiB": sizes as the diagnostics say them. */
    static String size(long bytes) {
        if (bytes >= 1024 * MIB && bytes % (512 * MIB) == 0) {
            double gib = bytes / (1024.0 * MIB);
            return (gib == Math.rint(gib) ? String.valueOf((long) gib) : String.valueOf(gib)) + " GiB";
        }
        return bytes / MIB + " MiB";
    }
}
