package dev.bpflab.lessons;

import java.util.ArrayList;
import java.util.List;

/** Splits a lesson's Markdown at its level-2 headings; a {@code ## } inside a fenced code block is code, not a step. */
final class LessonMarkdown {
    private LessonMarkdown() {
    }

    static LessonText split(String markdown) {
        StringBuilder intro = new StringBuilder();
        List<LessonText.Section> sections = new ArrayList<>();
        String title = null;
        StringBuilder body = intro;
        String fence = null;
        for (String line : markdown.replace("\r\n", "\n").split("\n", -1)) {
            String trimmed = line.stripLeading();
            if (fence == null && (trimmed.startsWith("```") || trimmed.startsWith("~~~"))) {
                fence = trimmed.substring(0, 3);
            } else if (fence != null && trimmed.startsWith(fence)) {
                fence = null;
            } else if (fence == null && line.startsWith("## ")) {
                if (title != null) {
                    sections.add(new LessonText.Section(title, body.toString().strip()));
                }
                title = line.substring(3).strip();
                body = new StringBuilder();
                continue;
            }
            body.append(line).append('\n');
        }
        if (title != null) {
            sections.add(new LessonText.Section(title, body.toString().strip()));
        }
        return new LessonText(intro.toString().strip(), List.copyOf(sections));
    }
}
