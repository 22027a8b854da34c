package dev.bpflab.rooms;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;

/** {@code /dashboard.html}: create a room, or (with {@code #room=…&secret=…}) watch it. */
@Path("/dashboard.html")
public class DashboardPageResource {
    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response page() throws IOException {
        return RoomPages.page();
    }
}
