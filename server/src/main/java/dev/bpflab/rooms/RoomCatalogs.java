package dev.bpflab.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.catalog.TemplateCatalog;
import dev.bpflab.catalog.TemplateParameterException;
import dev.bpflab.lessons.Lesson;
import dev.bpflab.lessons.LessonCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether what an instructor pushes or a student's page reports names something this server has: a lesson of the
 * lesson catalog and one of its steps, or a template. Ids of the wrong form are {@link RoomRequests}' to refuse; this
 * checks well-formed ids against the catalogs. Without a catalog (none could be made) nothing is refused here.
 */
@ApplicationScoped
public class RoomCatalogs {
    private static final ObjectMapper JSON = new ObjectMapper();
    @Inject
    Instance<LessonCatalog> lessons;
    @Inject
    Instance<TemplateCatalog> templates;

    /**
     * Refuses (400) a lesson id the catalog lacks, and a step index (from 0; null: none) past the lesson's last. The
     * message names the steps as a learner sees them, from 1.
     */
    void requireLessonStep(String lesson, Integer step) throws RoomException {
        if (lesson == null || !lessons.isResolvable()) {
            if (lesson == null && step != null) {
                throw new RoomException(400, "\"step\" needs a \"lesson\": send both, or neither.");
            }
            return;
        }
        Lesson found = lessons.get().find(lesson).orElse(null);
        if (found == null) {
            throw new RoomException(400, "There is no lesson '" + RoomText.clean(lesson, 40)
                    + "'; GET /api/lessons lists them.");
        }
        int steps = found.steps().size();
        if (step != null && step >= steps) {
            // "step" is the step's index; the learner's page (and the dashboard) number them from 1.
            throw new RoomException(400, "Lesson '" + found.id() + "' has " + steps + " steps: \"step\" 0 to "
                    + (steps - 1) + ", which its learners see as Step 1 to " + steps + "; there is no step " + step
                    + ".");
        }
    }

    /**
     * Refuses (400) a template id the catalog lacks, and parameters it would not render with (an unknown name, a
     * value out of its range or pattern): the students' pages would each fail to apply the push, while the dashboard
     * counted it as taken.
     */
    void requireTemplate(String template, JsonNode params) throws RoomException {
        if (template == null || !templates.isResolvable()) {
            return;
        }
        if (templates.get().find(template).isEmpty()) {
            throw new RoomException(400, "There is no template '" + RoomText.clean(template, 40)
                    + "'; GET /api/templates lists them.");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        if (params != null && params.isObject()) {
            params.fields().forEachRemaining(f -> values.put(f.getKey(), JSON.convertValue(f.getValue(), Object.class)));
        }
        try {
            templates.get().render(template, values);
        } catch (TemplateParameterException e) {
            throw new RoomException(400, "Template '" + template + "': " + e.getMessage()
                    + "; fix it and push again (GET /api/templates lists each parameter's range).");
        }
    }
}
