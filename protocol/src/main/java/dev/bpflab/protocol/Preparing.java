package dev.bpflab.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Where the lab's preparation is (docs/run-contract.md, "Preparing"): its {@code stage}, for how long that stage has
 * run ({@code stageSeconds}) and how long the whole preparation has ({@code seconds}), as of the message. Written
 * with the stage's {@code step} of {@code steps} and its {@code text} for people; those follow from the stage, so
 * reading ignores them.
 */
@JsonPropertyOrder({"stage", "step", "steps", "text", "stageSeconds", "seconds"})
public record Preparing(PreparationStage stage, long stageSeconds, long seconds) {
    public Preparing {
        Checks.require(stage != null, "\"stage\" must be one of the preparation stages");
        Checks.require(stageSeconds >= 0 && seconds >= stageSeconds,
                "\"stageSeconds\" is 0 or more, and \"seconds\" at least that");
    }

    @JsonProperty("step")
    public int step() {
        return stage.step();
    }

    @JsonProperty("steps")
    public int steps() {
        return PreparationStage.STEPS;
    }

    @JsonProperty("text")
    public String text() {
        return stage.text();
    }
}
