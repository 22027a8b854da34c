package dev.bpflab.share;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/**
 * The lab page at / and at /s/{id} (a share link: the page reads the id from its address and loads the share).
 * Served here rather than as a static file so that it is never cached: it names the content-hashed bundles, which
 * Quarkus serves as static files with long-lived caching.
 */
@Path("/")
public class LabPageResource {
    static final String PAGE = "bpflab-web/index.html";

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response home() throws IOException {
        return page();
    }

    @GET
    @Path("index.html")
    @Produces(MediaType.TEXT_HTML)
    public Response index() throws IOException {
        return page();
    }

    @GET
    @Path("s/{id}")
    @Produces(MediaType.TEXT_HTML)
    public Response share(@PathParam("id") String id) throws IOException {
        return page();
    }

    private static Response page() throws IOException {
        try (InputStream page = Thread.currentThread().getContextClassLoader().getResourceAsStream(PAGE)) {
            if (page == null) {
                return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.TEXT_PLAIN)
                        .entity("The web page was not built into this server (was it built with -Dskip.web=true?).\n")
                        .build();
            }
            return Response.ok(page.readAllBytes()).header("Cache-Control", "no-cache").build();
        }
    }
}
