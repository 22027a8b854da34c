package dev.bpflab.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * A server with small caps, to reach them: two open rooms per client address, three shares kept for 30 days, in a
 * data directory of its own. Shared by the test classes that need it, so the server starts once for them.
 */
public class TightLimitsProfile implements QuarkusTestProfile {
    public static final String DATA_DIR = FreshDataDir.create("tight-limits-data");
    public static final int ROOMS_PER_ADDRESS = 2;
    public static final int MAX_SHARES = 3;
    public static final int SHARE_DAYS = 30;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("bpflab.data-dir", DATA_DIR,
                "bpflab.limits.rooms-per-address", Integer.toString(ROOMS_PER_ADDRESS),
                "bpflab.shares.max-count", Integer.toString(MAX_SHARES),
                "bpflab.shares.expire-after", SHARE_DAYS + "d");
    }
}
