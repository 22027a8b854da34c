package dev.bpflab.support.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who this process runs as, read from {@code /proc/self/status} (the JDK has no call for the effective uid). */
public final class EffectiveUser {
    private EffectiveUser() {
    }

    /** True when the effective uid is 0; false when it is not, or cannot be told (no /proc). */
    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // real, effective, saved, filesystem
                }
            }
        } catch (IOException ignored) {
            // not Linux as we know it: assume unprivileged
        }
        return false;
    }
}
