package dev.bpflab.grading;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.protocol.ServerMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A list of expectations, met one by one by the messages a run streams. An event whose {@code filename} field names
 * a file counts only when one of the workloads offered so far names that file in its detail: on a shared kernel
 * another process's unlink must never pass a check. An event expectation with {@code matchesWorkload} counts an event
 * only once that workload has answered, and only when the event agrees with its answer's facts (a pod's hostname and
 * cgroup id): events stream before the answer that names what they must carry. Events met that way are counted for
 * {@code minCount}.
 */
public final class Effects {
    private final List<Expectation> expectations;
    private final Map<Expectation, List<ServerMessage>> candidates = new IdentityHashMap<>();
    private final Map<Expectation, Boolean> met = new IdentityHashMap<>();
    private final List<String> workloadDetails = new ArrayList<>();
    private final Map<String, Map<String, Object>> workloadFacts = new HashMap<>();

    public Effects(List<Expectation> expectations) {
        this.expectations = List.copyOf(expectations);
    }

    /** Takes one streamed message into account; true once every expectation is met. */
    public synchronized boolean offer(ServerMessage message) {
        if (message instanceof ServerMessage.WorkloadResult result) {
            workloadDetails.add(result.detail());
            if (result.ok()) {
                workloadFacts.put(result.name(), result.facts());
            }
        }
        for (Expectation expectation : expectations) {
            if (isMet(expectation)) {
                continue;
            }
            if (expectation.matches(message)) {
                candidates.computeIfAbsent(expectation, e -> new ArrayList<>()).add(message);
            }
            List<ServerMessage> seen = candidates.getOrDefault(expectation, List.of());
            int needed = "event".equals(expectation.type()) ? expectation.minCount() : 1;
            if (seen.stream().filter(this::fromTheseWorkloads).filter(m -> agreesWithFacts(expectation, m)).count()
                    >= needed) {
                met.put(expectation, true);
            }
        }
        return allMet();
    }

    private boolean fromTheseWorkloads(ServerMessage message) {
        if (!(message instanceof ServerMessage.Event event)) {
            return true;
        }
        JsonNode filename = event.fields().path("filename");
        if (!filename.isTextual()) {
            return true;
        }
        String name = filename.asText();
        // an empty filename names no file (pod-snoop's connect events leave it empty): nothing to vouch for
        return name.isEmpty() || workloadDetails.stream().anyMatch(d -> d.contains(name));
    }

    private boolean agreesWithFacts(Expectation expectation, ServerMessage message) {
        String workload = expectation.factsOf();
        if (workload == null || !(message instanceof ServerMessage.Event event)) {
            return true;
        }
        Map<String, Object> facts = workloadFacts.get(workload);
        return facts != null && expectation.agreesWith(event, facts);
    }

    public synchronized boolean isMet(Expectation expectation) {
        return met.getOrDefault(expectation, false);
    }

    public synchronized boolean allMet() {
        return expectations.stream().allMatch(this::isMet);
    }

    public synchronized List<Expectation> missing() {
        return expectations.stream().filter(e -> !isMet(e)).toList();
    }

    public List<Expectation> expectations() {
        return expectations;
    }
}
