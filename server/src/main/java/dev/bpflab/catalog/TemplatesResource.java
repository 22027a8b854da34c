package dev.bpflab.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Collection;
import java.util.Map;

/** {@code GET /api/templates} and {@code POST /api/templates/{id}/render}; the work is done by {@link TemplateCatalog}. */
@Path("/api/templates")
@Produces(MediaType.APPLICATION_JSON)
public class TemplatesResource {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    TemplateCatalog catalog;

    public record RenderedSource(String source) {
    }

    public record ErrorMessage(String error) {
    }

    @GET
    public Collection<TemplateInfo> list() {
        return catalog.list();
    }

    @POST
    @Path("{id}/render")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response render(@PathParam("id") String id, JsonNode body) {
        JsonNode params = body == null ? null : body.get("params");
        if (body != null && !body.isObject() || params != null && !params.isNull() && !params.isObject()) {
            return error(Response.Status.BAD_REQUEST, "send {\"params\": {\"name\": value, …}}");
        }
        Map<String, Object> values = params == null || params.isNull() ? Map.of()
                : JSON.convertValue(params, JSON.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
        try {
            return Response.ok(new RenderedSource(catalog.render(id, values))).build();
        } catch (UnknownTemplateException e) {
            return error(Response.Status.NOT_FOUND, e.getMessage());
        } catch (TemplateParameterException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ErrorMessage(message)).build();
    }
}
