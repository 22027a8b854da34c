package dev.bpflab.support.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The kernel this process runs on. */
public final class RunningKernel {
    private RunningKernel() {
    }

    /** Its release, e.g. "6.1.0-40-amd64", from /proc/sys/kernel/osrelease (the JVM's os.version without /proc). */
    public static String release() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return System.getProperty("os.version");
        }
    }
}
