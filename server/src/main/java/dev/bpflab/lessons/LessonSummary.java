package dev.bpflab.lessons;

import dev.bpflab.catalog.LocalizedText;
import java.util.List;

/** A line of {@code GET /api/lessons}. */
public record LessonSummary(String id, LocalizedText title, LocalizedText summary, String template, List<String> requires,
        int steps) {

    static LessonSummary of(Lesson lesson) {
        return new LessonSummary(lesson.id(), lesson.title(), lesson.summary(), lesson.template(), lesson.requires(),
                lesson.steps().size());
    }
}
