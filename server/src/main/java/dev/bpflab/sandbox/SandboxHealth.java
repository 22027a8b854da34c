package dev.bpflab.sandbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * /q/health/ready: down when the configured sandbox backend could not start, with the reason; its data say how many
 * runs are live (of how many at once), how many wait for a sandbox and how many sandboxes are pooled (ready ahead),
 * and whether the backend is still preparing ({@code preparation}: preparing, ready or failed; while preparing, the
 * stage and for how long, in seconds).
 * Anyone who reaches the server can read it, so the status shows no file system paths ({@link PublicStatus}).
 */
@Readiness
@ApplicationScoped
public class SandboxHealth implements HealthCheck {
    @Inject
    SandboxBackend backend;

    @Override
    public HealthCheckResponse call() {
        SandboxBackend.Load load = backend.load();
        Preparation.Status preparation = backend.preparation().status();
        var response = HealthCheckResponse.named("sandbox")
                .status(backend.available())
                .withData("backend", backend.name())
                .withData("status", PublicStatus.of(backend.status()))
                .withData("preparation", preparation.state().name().toLowerCase(java.util.Locale.ROOT));
        backend.preparation().preparing().ifPresent(p -> response.withData("preparationStage", p.stage().wire())
                .withData("preparationStageSeconds", p.stageSeconds()).withData("preparationSeconds", p.seconds()));
        return response
                .withData("live", load.live())
                .withData("capacity", load.capacity())
                .withData("waiting", load.waiting())
                .withData("pooled", load.pooled())
                .build();
    }
}
