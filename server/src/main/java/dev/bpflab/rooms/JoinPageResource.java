package dev.bpflab.rooms;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;

/** {@code /join} and {@code /join/{code}} (the link on the projector): a student joins a room by code and name. */
@Path("/join")
public class JoinPageResource {
    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response page() throws IOException {
        return RoomPages.page();
    }

    @GET
    @Path("{code}")
    @Produces(MediaType.TEXT_HTML)
    public Response withCode(@PathParam("code") String code) throws IOException {
        return RoomPages.page();
    }
}
