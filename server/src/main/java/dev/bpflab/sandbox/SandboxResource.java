package dev.bpflab.sandbox;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/sandbox}: how busy the sandboxes are, for the page to show a learner whose run waits. */
@Path("/api/sandbox")
public class SandboxResource {

    /**
     * The sandbox backend's load now, e.g. {@code {"backend":"qemu","live":3,"capacity":16,"waiting":0,"pooled":4}}.
     *
     * @param backend  "qemu" or "local"
     * @param live     runs holding a sandbox
     * @param capacity runs that may hold one at once (0 when the backend could not start)
     * @param waiting  runs waiting in line for one
     * @param pooled   sandboxes ready ahead (paused VMs, warm agents)
     */
    public record SandboxLoad(String backend, int live, int capacity, int waiting, int pooled) {
    }

    @Inject
    SandboxBackend backend;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public SandboxLoad load() {
        SandboxBackend.Load load = backend.load();
        return new SandboxLoad(backend.name(), load.live(), load.capacity(), load.waiting(), load.pooled());
    }
}
