package dev.bpflab.lessons;

import dev.bpflab.catalog.LocalizedText;
import java.util.List;

/**
 * A line of {@code GET /api/lessons}; {@code needs} and {@code kernel} as in {@link Lesson}.
 */
public record LessonSummary(String id, LocalizedText title, LocalizedText summary, String template, List<String> requires,
        int steps, List<String> needs, @com.fasterxml.jackson.annotation.JsonInclude(
                com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS) String kernel) {

    static LessonSummary of(Lesson lesson) {
        return new LessonSummary(lesson.id(), lesson.title(), lesson.summary(), lesson.template(), lesson.requires(),
                lesson.steps().size(), lesson.needs(), lesson.kernel());
    }
}
