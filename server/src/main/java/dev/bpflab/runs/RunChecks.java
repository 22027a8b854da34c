package dev.bpflab.runs;

import dev.bpflab.catalog.TemplateCatalog;
import dev.bpflab.catalog.TemplateInfo;
import dev.bpflab.lessons.Lesson;
import dev.bpflab.lessons.LessonCatalog;
import dev.bpflab.lessons.StepCheck;
import dev.bpflab.lessons.TemplateChecks;
import dev.bpflab.protocol.ClientMessage;
import dev.bpflab.protocol.Echo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Resolves a check against the lessons (workshop-material/) or the program templates (bpf-templates/). */
@ApplicationScoped
public class RunChecks implements CheckResolver {
    @Inject
    LessonCatalog lessons;
    @Inject
    TemplateCatalog templates;

    @Override
    public StepCheck resolve(ClientMessage.Check message) {
        if (message.template() != null) {
            TemplateInfo template = templates.find(message.template()).orElseThrow(() -> new IllegalArgumentException(
                    "there is no template " + Echo.of(message.template()) + " to check; GET /api/templates lists them"));
            StepCheck check = TemplateChecks.of(template);
            if (check == null) {
                throw new IllegalArgumentException("template " + template.id() + " promises nothing a check can see");
            }
            return check;
        }
        Lesson lesson = lessons.find(message.lesson()).orElseThrow(() -> new IllegalArgumentException(
                "there is no lesson " + Echo.of(message.lesson()) + " to check; GET /api/lessons lists them"));
        StepCheck check = lesson.check(message.step());
        if (check == null) {
            throw new IllegalArgumentException("step " + message.step() + " of lesson " + message.lesson()
                    + " has no check; send the number (from 0) of a step that has one");
        }
        return check;
    }
}
