package dev.bpflab.lessons;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.bpflab.catalog.LocalizedText;
import dev.bpflab.grading.Expectation;
import java.util.List;

/**
 * What pressing Check on a step does: fire {@code workloads} while the learner's program is attached and require
 * every expectation. The expectations stay on the server (they are the answer key); the page learns the workloads.
 */
public record StepCheck(List<String> workloads, @JsonIgnore List<Graded> expect, @JsonIgnore LocalizedText passed) {

    /** An expectation and what to tell the learner when it is not met. */
    public record Graded(Expectation expectation, LocalizedText missing) {
    }
}
