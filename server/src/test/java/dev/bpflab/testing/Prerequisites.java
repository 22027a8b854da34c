package dev.bpflab.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a test needs from the machine (root, a browser, the built page). On a developer's machine a missing one skips
 * the test with the reason; under CI ({@code CI=true}) it fails it, so a green CI never hides a test that did not run.
 */
public final class Prerequisites {
    private Prerequisites() {
    }

    public static void require(boolean present, String missing) {
        if (present) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            fail("CI must run every test, but " + missing);
        }
        assumeTrue(false, missing);
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
