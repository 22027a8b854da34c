package dev.bpflab.lessons;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/** {@code GET /api/lessons} (the list) and {@code GET /api/lessons/{id}} (text, code, hints, which steps are checked). */
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
    public Response lesson(@PathParam("id") String id) {
        return catalog.find(id).map(lesson -> Response.ok(lesson).build())
                .orElseGet(() -> Response.status(Response.Status.NOT_FOUND).type(MediaType.APPLICATION_JSON)
                        .entity(Map.of("error", "no lesson '" + id + "'; GET /api/lessons lists them")).build());
    }
}
