package dev.bpflab.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A data directory of its own for a test profile whose limits count what is on disk (rooms per address, shares):
 * made once per test run under target/, so nothing a default-profile test or an earlier run left there counts.
 */
public final class FreshDataDir {
    private FreshDataDir() {
    }

    /** A new empty directory target/{@code prefix}-…, relative to the tests' working directory. */
    public static String create(String prefix) {
        try {
            Path target = Files.createDirectories(Path.of("target"));
            return Files.createTempDirectory(target, prefix + "-").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
