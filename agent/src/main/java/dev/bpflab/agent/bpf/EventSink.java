package dev.bpflab.agent.bpf;

import com.fasterxml.jackson.databind.JsonNode;

/** Where decoded records go. Called from poller threads; implementations must not block. */
public interface EventSink {

    void event(String map, JsonNode fields);

    /** Records the kernel or this process had to throw away. */
    void dropped(long count);
}
