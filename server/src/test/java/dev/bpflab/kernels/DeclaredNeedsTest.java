package dev.bpflab.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.catalog.TemplateCatalog;
import dev.bpflab.catalog.TemplateInfo;
import dev.bpflab.lessons.Lesson;
import dev.bpflab.lessons.LessonCatalog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The {@code needs} a template or a lesson declares are what its programs need ({@link KernelNeeds}): a page that
 * picks a kernel by them picks one its programs run on.
 */
class DeclaredNeedsTest {
    private static final TemplateCatalog TEMPLATES = TemplateCatalog.load(Path.of("bpf-templates"));

    private static Set<String> found(String... sources) {
        Set<String> needs = new TreeSet<>();
        for (String source : sources) {
            KernelNeeds.of(source).forEach(n -> needs.add(n.feature().wire()));
        }
        return needs;
    }

    @Test
    void everyTemplateDeclaresWhatItsProgramNeeds() {
        for (TemplateInfo template : TEMPLATES.list()) {
            assertEquals(found(TEMPLATES.render(template.id(), Map.of())), new TreeSet<>(template.needs()),
                    "bpf-templates/" + template.id() + "/template.json \"needs\"");
        }
    }

    @Test
    void everyLessonDeclaresWhatItsProgramsNeed() {
        for (Lesson lesson : LessonCatalog.load(Path.of("workshop-material"), TEMPLATES).list()) {
            assertEquals(found(lesson.start(), lesson.solution()), new TreeSet<>(lesson.needs()),
                    "workshop-material/" + lesson.id() + "/lesson.json \"needs\"");
        }
    }

    @Test
    void aMisspelledNeedOrKernelIsRefusedSayingWhatToWrite() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String need = assertThrows(IllegalStateException.class, () -> KernelMetadata.read(
                json.readTree("{\"needs\":[\"ringbuffer\"]}"), "t.json", IllegalStateException::new)).getMessage();
        assertTrue(need.startsWith("t.json: needs 'ringbuffer'; a kernel feature is one of [kprobe,"), need);
        String kernel = assertThrows(IllegalStateException.class, () -> KernelMetadata.read(
                json.readTree("{\"kernel\":\"Debian 13\"}"), "t.json", IllegalStateException::new)).getMessage();
        assertTrue(kernel.startsWith("t.json: 'kernel' must be a kernel id such as \"debian13\""), kernel);
        assertEquals(new KernelMetadata(List.of("lsm"), "debian13"), KernelMetadata.read(
                json.readTree("{\"needs\":[\"lsm\",\"lsm\"],\"kernel\":\"debian13\"}"), "t.json", IllegalStateException::new));
    }
}
