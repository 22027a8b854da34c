package dev.bpflab.agent.bpf;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Where decoded records go. Called from poller threads; implementations must not block. */
public interface EventSink {

    /**
     * One decoded record of ring or perf buffer {@code map}; {@code enums} maps each enumerator name in
     * {@code fields} to its number (empty when none).
     */
    void event(String map, JsonNode fields, Map<String, Long> enums);

    /** Records the kernel or this process had to throw away. */
    void dropped(long count);
}
