package dev.bpflab.lessons;

import java.util.List;

/** A lesson's Markdown in one language, split at its {@code ## } headings: the introduction, then one section per step. */
public record LessonText(String intro, List<Section> steps) {

    public record Section(String title, String body) {
    }
}
