package dev.bpflab.lessons;

import dev.bpflab.catalog.LocalizedText;
import java.util.List;
import java.util.Map;

/**
 * A lesson of workshop-material/, as loaded and checked by {@link LessonCatalog}.
 *
 * @param template the bpf-templates program it builds on
 * @param requires program types not every kernel accepts (xdp, lsm, fentry)
 * @param start    the C source the learner starts from
 * @param solution the reference solution
 * @param text     by language ("es", "en"): the introduction and one section per step
 * @param needs    the kernel features its programs need (wire names of {@code KernelFeature}, e.g. "lsm")
 * @param kernel   the kernel id it prefers (GET /api/kernels), or null for any
 */
public record Lesson(
        String id,
        LocalizedText title,
        LocalizedText summary,
        String template,
        List<String> requires,
        String start,
        String solution,
        Map<String, LessonText> text,
        List<LessonStep> steps,
        List<String> needs,
        String kernel) {

    /** The step's check, or null when the step has none or does not exist. */
    public StepCheck check(int step) {
        return step >= 0 && step < steps.size() ? steps.get(step).check() : null;
    }

    /** The index of the last step that has a check: the one the start code must fail. */
    public int lastCheckedStep() {
        for (int i = steps.size() - 1; i >= 0; i--) {
            if (steps.get(i).check() != null) {
                return i;
            }
        }
        return -1;
    }
}
