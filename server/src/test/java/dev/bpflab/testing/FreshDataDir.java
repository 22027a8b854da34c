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

    /**
     * A new empty directory target/{@code prefix}-…, relative to the tests' working directory; the same one for every
     * caller in this JVM. Quarkus loads a profile class in more than one class loader, so the choice is kept in a
     * system property, which they share, rather than in a static field, which each has its own of.
     */
    public static synchronized String create(String prefix) {
        String key = "bpflab.test.data-dir." + prefix;
        String chosen = System.getProperty(key);
        if (chosen != null) {
            return chosen;
        }
        try {
            Path target = Files.createDirectories(Path.of("target"));
            chosen = Files.createTempDirectory(target, prefix + "-").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.setProperty(key, chosen);
        return chosen;
    }
}
