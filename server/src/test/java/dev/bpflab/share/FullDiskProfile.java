package dev.bpflab.share;

import dev.bpflab.testing.FreshDataDir;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * A server whose free-disk floor for shares (1 PiB) is more than any test machine's disk has free: every new share
 * finds the disk "nearly full", on a real file system, without filling one.
 */
public class FullDiskProfile implements QuarkusTestProfile {
    public static final String DATA_DIR = FreshDataDir.create("full-disk-data");

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("bpflab.data-dir", DATA_DIR, "bpflab.shares.min-free-mib", Long.toString(1L << 30));
    }
}
