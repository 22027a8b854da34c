package dev.bpflab.lessons;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bpflab.catalog.LocalizedText;
import dev.bpflab.catalog.TemplateInfo;
import dev.bpflab.grading.Expectation;
import java.util.ArrayList;
import java.util.List;

/**
 * A program template's promise as a check: its workload, fired while the learner's program is attached, must make
 * the program show everything the template's {@code expect} lists (bpf-templates/README.md). The same grader as a
 * lesson step's Check, so "does my edited template still do what it says?" has the same answer a lesson gives.
 */
public final class TemplateChecks {
    private TemplateChecks() {
    }

    /** The check of {@code template}; null when the template promises nothing checkable (no workload or expect). */
    public static StepCheck of(TemplateInfo template) {
        JsonNode expect = template.expect();
        if (template.workload() == null || expect == null || !expect.isArray() || expect.isEmpty()) {
            return null;
        }
        List<StepCheck.Graded> graded = new ArrayList<>();
        for (JsonNode spec : expect) {
            Expectation expectation = new Expectation(spec);
            String what = CheckRun.describe(expectation);
            graded.add(new StepCheck.Graded(expectation, new LocalizedText("No se vio: " + what, "Not seen: " + what)));
        }
        LocalizedText passed = new LocalizedText(
                "Tu programa hace lo que promete la plantilla " + template.id() + ".",
                "Your program does what template " + template.id() + " promises.");
        return new StepCheck(List.of(template.workload()), graded, passed);
    }
}
