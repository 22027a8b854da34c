package dev.bpflab.share;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Keeps the tests' shares under target/, away from a developer's own data directory. */
public class DataDirProfile implements QuarkusTestProfile {
    public static final String DATA_DIR = "target/test-data";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("bpflab.data-dir", DATA_DIR);
    }
}
