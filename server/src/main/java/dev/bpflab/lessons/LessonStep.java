package dev.bpflab.lessons;

import java.util.List;

/** One step of a lesson: its hints in both languages and, when the step is graded, its check. */
public record LessonStep(Hints hints, StepCheck check) {

    public record Hints(List<String> es, List<String> en) {
    }
}
