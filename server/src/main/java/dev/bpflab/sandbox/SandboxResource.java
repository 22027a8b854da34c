package dev.bpflab.sandbox;

import dev.bpflab.protocol.Preparing;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Locale;

/**
 * {@code GET /api/sandbox}: how busy the sandboxes are, and whether the lab is still preparing them, for the page to
 * show before a run and while a run waits.
 */
@Path("/api/sandbox")
public class SandboxResource {

    /**
     * The sandbox backend's load now, e.g. {@code {"backend":"qemu","state":"ready","live":3,"capacity":16,"waiting":0,
     * "pooled":4}}; while it prepares, {@code "state":"preparing"} with {@code preparing} ({@link Preparing}: stage,
     * step of steps, text, seconds); when it could not, {@code "state":"failed"} with {@code problem}.
     *
     * @param backend   "qemu" or "local"
     * @param state     "preparing", "ready" or "failed"
     * @param preparing what the lab is doing before its first sandbox; only while preparing
     * @param problem   what went wrong and what to do, without the host's paths; only when failed
     * @param live      runs holding a sandbox
     * @param capacity  runs that may hold one at once (0 when the backend could not start)
     * @param waiting   runs waiting in line for one
     * @param pooled    sandboxes ready ahead (paused VMs, warm agents)
     */
    public record SandboxLoad(String backend, String state, Preparing preparing, String problem, int live, int capacity,
            int waiting, int pooled) {
    }

    @Inject
    SandboxBackend backend;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public SandboxLoad load() {
        SandboxBackend.Load load = backend.load();
        Preparation preparation = backend.preparation();
        Preparation.Status status = preparation.status();
        return new SandboxLoad(backend.name(), status.state().name().toLowerCase(Locale.ROOT),
                preparation.preparing().orElse(null), status.problem() == null ? null : PublicStatus.of(status.problem()),
                load.live(), load.capacity(), load.waiting(), load.pooled());
    }
}
