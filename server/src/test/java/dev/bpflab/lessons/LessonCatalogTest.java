package dev.bpflab.lessons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpflab.catalog.TemplateCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading workshop-material/: the real lessons, and the messages an author gets for a broken one. */
class LessonCatalogTest {
    private static final TemplateCatalog TEMPLATES = TemplateCatalog.load(Path.of("bpf-templates"));
    private static final String CHECK = """
            {"workloads": ["unlink-file"], "expect": [{"type": "event", "fields": {"filename": "*/victim.txt"},
             "missing": {"es": "Falta el evento.", "en": "The event is missing."}}]}""";

    @TempDir
    Path dir;

    @Test
    void theWorkshopLessonsLoadWithBothLanguagesStepForStep() {
        LessonCatalog catalog = LessonCatalog.load(Path.of("workshop-material"), TEMPLATES);
        assertTrue(catalog.list().size() >= 8);
        for (Lesson lesson : catalog.list()) {
            for (String lang : LessonCatalog.LANGUAGES) {
                LessonText text = lesson.text().get(lang);
                assertFalse(text.intro().isBlank(), lesson.id() + " " + lang + " introduces the lesson");
                assertEquals(lesson.steps().size(), text.steps().size(), lesson.id() + " " + lang);
            }
            assertTrue(lesson.lastCheckedStep() >= 0, lesson.id());
            assertFalse(lesson.start().equals(lesson.solution()), lesson.id() + ": start code and solution differ");
        }
    }

    @Test
    void stepsAreTheLevelTwoHeadingsOutsideCodeBlocks() {
        LessonText text = LessonMarkdown.split("""
                Intro **text**.

                ## First step
                Look:
                ```c
                ## not a heading, a line of code
                ```
                ## Second step
                Done.
                """);
        assertEquals("Intro **text**.", text.intro());
        assertEquals(List.of("First step", "Second step"), text.steps().stream().map(LessonText.Section::title).toList());
        assertTrue(text.steps().get(0).body().contains("## not a heading"));
        assertEquals("Done.", text.steps().get(1).body());
    }

    @Test
    void aLessonLoadsFromItsFiles() throws IOException {
        lesson("01-demo", "hello", "[{\"hints\": {\"es\": [\"Pista\"], \"en\": [\"Hint\"]}, \"check\": " + CHECK + "}]", 1);
        Lesson lesson = LessonCatalog.load(dir, TEMPLATES).find("01-demo").orElseThrow();
        assertEquals(List.of("unlink-file"), lesson.check(0).workloads());
        assertEquals("The event is missing.", lesson.check(0).expect().get(0).missing().en());
        assertEquals(List.of("Hint"), lesson.steps().get(0).hints().en());
        assertEquals(0, lesson.lastCheckedStep());
    }

    @Test
    void aBrokenLessonIsRefusedWithAMessageNamingItsFileAndTheFix() throws IOException {
        lesson("01-demo", "no-such-template", "[{\"check\": " + CHECK + "}]", 1);
        assertRefused("template 'no-such-template' is not in bpf-templates/");

        lesson("01-demo", "hello", "[{\"check\": " + CHECK.replace("unlink-file", "rm-rf-slash") + "}]", 1);
        assertRefused("no workload named 'rm-rf-slash'");

        lesson("01-demo", "hello", "[{\"check\": " + CHECK.replace("\"missing\"", "\"absent\"") + "}]", 1);
        assertRefused("'missing' must be an object {\"es\": …, \"en\": …}");

        lesson("01-demo", "hello", "[{\"check\": " + CHECK.replace("\"event\"", "\"vibe\"") + "}]", 1);
        assertRefused("expectation type 'vibe' is not one of");

        lesson("01-demo", "hello", "[{\"check\": " + CHECK + "}, {}]", 1);
        assertRefused("es.md has 1 '## ' step sections; lesson.json has 2 steps");

        lesson("01-demo", "hello", "[{}]", 1);
        assertRefused("at least one step needs a 'check'");

        lesson("01-demo", "hello", "[{\"check\": " + CHECK + "}]", 1);
        Files.delete(dir.resolve("01-demo/solution.bpf.c"));
        assertRefused("solution.bpf.c is missing");
    }

    @Test
    void aDirectoryNotNamedLikeALessonIsRefused() throws IOException {
        lesson("demo", "hello", "[{\"check\": " + CHECK + "}]", 1);
        assertRefused("a lesson directory is named like 02-watch-syscalls");
    }

    private void assertRefused(String expected) {
        LessonCatalogException e = assertThrows(LessonCatalogException.class, () -> LessonCatalog.load(dir, TEMPLATES));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private void lesson(String id, String template, String steps, int sections) throws IOException {
        Path lesson = Files.createDirectories(dir.resolve(id));
        Files.writeString(lesson.resolve("lesson.json"), """
                {"title": {"es": "Demo", "en": "Demo"}, "summary": {"es": "Demo", "en": "Demo"},
                 "template": "%s", "steps": %s}""".formatted(template, steps));
        String markdown = "Intro.\n" + "\n## A step\nText.\n".repeat(sections);
        Files.writeString(lesson.resolve("es.md"), markdown);
        Files.writeString(lesson.resolve("en.md"), markdown);
        Files.writeString(lesson.resolve("start.bpf.c"), "// start\n");
        Files.writeString(lesson.resolve("solution.bpf.c"), "// solution\n");
    }
}
