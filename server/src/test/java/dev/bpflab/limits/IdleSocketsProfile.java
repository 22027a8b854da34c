package dev.bpflab.limits;

import java.util.HashMap;
import java.util.Map;

/** {@link HostileClientsProfile} with /ws/run sockets closed after 2 s without a run or a message. */
public class IdleSocketsProfile extends HostileClientsProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
        overrides.put("bpflab.limits.idle-timeout", "2s");
        return overrides;
    }
}
