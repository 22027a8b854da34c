package dev.bpflab.lessons;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.bpflab.catalog.LocalizedText;
import dev.bpflab.grading.Expectation;
import dev.bpflab.protocol.ClientMessage;
import java.util.List;

/**
 * What pressing Check on a step does: write {@code mapWrites} into the attached program's maps (as a learner does from
 * the Maps tab; nothing is reloaded), fire {@code workloads} while it is attached and require every expectation. The
 * expectations stay on the server (they are the answer key); the page learns the workloads.
 */
public record StepCheck(List<String> workloads, @JsonIgnore List<Graded> expect, @JsonIgnore LocalizedText passed,
        @JsonIgnore List<ClientMessage.MapUpdate> mapWrites) {

    public StepCheck {
        mapWrites = mapWrites == null ? List.of() : List.copyOf(mapWrites);
    }

    /** A check that writes no map. */
    public StepCheck(List<String> workloads, List<Graded> expect, LocalizedText passed) {
        this(workloads, expect, passed, List.of());
    }

    /** An expectation and what to tell the learner when it is not met. */
    public record Graded(Expectation expectation, LocalizedText missing) {
    }
}
