package dev.bpflab.share;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bpflab.api.ApiException;
import dev.bpflab.api.RequestLimits;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Permalinks: POST /api/shares stores code + template + parameters (201 {"id"}), GET /api/shares/{id} gives them back.
 * Errors are {@link ApiException}s: 400 bad body, 404 unknown id, 410 expired (deleted now), 413 too large, 429 too
 * many from one address, 503 cannot save, 507 the server keeps its most shares or its disk is nearly full.
 */
@Path("/api/shares")
@Produces(MediaType.APPLICATION_JSON)
public class ShareResource {
    /** The request body cap: the source cap plus room for JSON escaping and parameters. */
    public static final int MAX_BODY_BYTES = 256 * 1024;
    private static final Logger LOG = Logger.getLogger(ShareResource.class);

    @Inject
    ShareStore store;
    @Inject
    ObjectMapper json;
    @Inject
    RequestLimits limits;

    @POST
    @Consumes(MediaType.WILDCARD)
    public Response create(InputStream body, @Context HttpServerRequest client) throws IOException {
        limits.check(RequestLimits.Kind.SHARE, client);
        byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ApiException(413,
                    "A share holds at most " + MAX_BODY_BYTES / 1024 + " KiB of JSON; this one is larger. Shorten the program.");
        }
        ShareStore.Share share;
        try {
            JsonNode request = json.readTree(bytes);
            share = ShareStore.validate(request);
        } catch (JsonProcessingException e) {
            throw ApiException.notJson(e);
        } catch (ShareStore.InvalidShareException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        try {
            String id = store.save(share);
            return Response.status(Response.Status.CREATED).entity(Map.of("id", id)).build();
        } catch (ShareStore.StoreFullException e) {
            throw new ApiException(507, e.getMessage());
        } catch (IOException e) {
            LOG.errorf(e, "could not write a share under %s", store.directory());
            throw new ApiException(503,
                    "The server could not save the share (data directory " + store.directory() + " not writable?).");
        }
    }

    @GET
    @Path("/{id}")
    public JsonNode get(@PathParam("id") String id) throws IOException {
        try {
            return store.find(id).map(share -> share.toJson(json).put("id", id))
                    .orElseThrow(() -> ApiException.notFound("No share with id '" + ApiException.echo(id) + "'."
                            + store.keptFor().map(age -> " Shares are kept for " + age
                                    + " after they are made; an older link has expired.").orElse("")));
        } catch (ShareStore.ExpiredShareException e) {
            throw new ApiException(410, e.getMessage());
        }
    }
}
