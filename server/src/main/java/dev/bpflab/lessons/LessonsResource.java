package dev.bpflab.lessons;

import dev.bpflab.api.ApiException;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * {@code GET /api/lessons} (the list) and {@code GET /api/lessons/{id}} (text, code, hints, which steps are checked;
 * 404 {@code {"message"}} for an unknown id).
 */
@Path("/api/lessons")
@Produces(MediaType.APPLICATION_JSON)
public class LessonsResource {

    @Inject
    LessonCatalog catalog;

    @GET
    public List<LessonSummary> list() {
        return catalog.list().stream().map(LessonSummary::of).toList();
    }

    @GET
    @Path("{id}")
    public Lesson lesson(@PathParam("id") String id) {
        return catalog.find(id).orElseThrow(() -> ApiException.notFound("no lesson '" + ApiException.echo(id)
                + "'; GET /api/lessons lists them"));
    }
}
