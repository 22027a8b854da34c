package dev.bpflab.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.api.ApiException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Collection;
import java.util.Map;

/**
 * {@code GET /api/templates} and {@code POST /api/templates/{id}/render}; the work is done by {@link TemplateCatalog}.
 * Errors are {@link ApiException}s: 400 for a bad body or parameter, 404 for an unknown template.
 */
@Path("/api/templates")
@Produces(MediaType.APPLICATION_JSON)
public class TemplatesResource {

    @Inject
    TemplateCatalog catalog;
    @Inject
    ObjectMapper json;

    public record RenderedSource(String source) {
    }

    @GET
    public Collection<TemplateInfo> list() {
        return catalog.list();
    }

    @POST
    @Path("{id}/render")
    @Consumes(MediaType.APPLICATION_JSON)
    public RenderedSource render(@PathParam("id") String id, JsonNode body) {
        JsonNode params = body == null ? null : body.get("params");
        if (body != null && !body.isObject() || params != null && !params.isNull() && !params.isObject()) {
            throw ApiException.badRequest("send {\"params\": {\"name\": value, …}}");
        }
        Map<String, Object> values = params == null || params.isNull() ? Map.of()
                : json.convertValue(params, json.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
        try {
            return new RenderedSource(catalog.render(id, values));
        } catch (UnknownTemplateException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (TemplateParameterException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
