package dev.bpflab.runs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.sandbox.qemu.QemuProfile;
import dev.bpflab.testing.VmTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Programs from the wild against the qemu backend: each run in its own Debian guest kernel (6.1), under TCG here. */
@QuarkusTest
@TestProfile(QemuWildProgramsTest.Profile.class)
@VmTest
class QemuWildProgramsTest extends WildProgramsContract {
    private static final Pattern GUEST_KERNEL = Pattern.compile("guest kernel (\\S+?)\\)");

    /** The qemu backend with a run directory of its own. */
    public static class Profile extends QemuProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("bpflab.qemu.run-dir", "/run/bpflab-qemu-wild");
            return overrides;
        }
    }

    @Override
    protected String kernelRelease(JsonNode sandboxMessage) {
        Matcher m = GUEST_KERNEL.matcher(sandboxMessage.path("description").asText());
        if (!m.find()) {
            throw new AssertionError("no guest kernel in " + sandboxMessage);
        }
        return m.group(1);
    }
}
