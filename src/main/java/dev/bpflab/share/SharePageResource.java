package dev.bpflab.share;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/** /s/{id} serves the lab page itself; the page reads the id from its address and loads the share. */
@Path("/s/{id}")
public class SharePageResource {
    static final String PAGE = "META-INF/resources/index.html";

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response page(@PathParam("id") String id) throws IOException {
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
