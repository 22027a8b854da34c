package dev.bpflab.rooms;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/** The rooms page (web/src/dashboard/), one page for the instructor's dashboard and the student's join form. */
final class RoomPages {
    static final String PAGE = "bpflab-web/rooms.html";

    private RoomPages() {
    }

    /** Served by the server, never cached: it names the content-hashed bundles of the current build. */
    static Response page() throws IOException {
        try (InputStream page = Thread.currentThread().getContextClassLoader().getResourceAsStream(PAGE)) {
            if (page == null) {
                return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.TEXT_PLAIN)
                        .entity("The rooms page was not built into this server (was it built with -Dskip.web=true?).\n")
                        .build();
            }
            return Response.ok(page.readAllBytes(), MediaType.TEXT_HTML).header("Cache-Control", "no-cache")
                    .header("Referrer-Policy", "no-referrer").build();
        }
    }
}
