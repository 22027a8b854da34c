package dev.bpflab.kernels;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bpflab.sandbox.Kernel;
import dev.bpflab.sandbox.Preparation;
import dev.bpflab.sandbox.PublicStatus;
import dev.bpflab.sandbox.SandboxBackend;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /api/kernels}: the kernels a run may name, the default first, each with what it was probed to do
 * (docs/run-contract.md, "Kernels"). Asking also starts the probe of a ready kernel not probed yet.
 */
@Path("/api/kernels")
public class KernelsResource {

    /**
     * @param defaultKernel the id a run that names no kernel gets ({@code "default"} in JSON)
     * @param kernels       the default first
     */
    public record KernelList(@JsonProperty("default") String defaultKernel, List<KernelView> kernels) {
    }

    /**
     * One kernel. {@code release} and {@code toolchain} are null until its image is built; {@code state}
     * "preparing", "ready" or "failed"; {@code detail} what it is doing while preparing or probed, what failed and what
     * to do when failed (or when its probe failed), else null; {@code features} each {@code KernelFeature} wire name
     * to true or false, null until probed; {@code notes} why some are false (null until probed).
     */
    public record KernelView(String id, String name, @JsonInclude(JsonInclude.Include.ALWAYS) String release,
            @JsonInclude(JsonInclude.Include.ALWAYS) String toolchain, String state,
            @JsonInclude(JsonInclude.Include.ALWAYS) String detail, @JsonProperty("default") boolean isDefault,
            @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, Boolean> features,
            @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, String> notes) {
    }

    @Inject
    KernelFeatures probes;
    @Inject
    SandboxBackend backend;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public KernelList list() {
        String defaultKernel = backend.defaultKernel();
        List<KernelView> views = backend.kernels().stream().map(k -> view(k, k.id().equals(defaultKernel))).toList();
        return new KernelList(defaultKernel, views);
    }

    private KernelView view(Kernel kernel, boolean isDefault) {
        probes.request(kernel.id()); // nothing when probed, being probed or not ready
        Preparation.Status status = kernel.preparation().status();
        var probe = probes.current(kernel);
        return new KernelView(kernel.id(), kernel.name(), kernel.release(), kernel.toolchain(),
                status.state().name().toLowerCase(Locale.ROOT), detail(kernel, status, probe.isPresent()), isDefault,
                probe.map(p -> p.features().features()).orElse(null), probe.map(p -> p.features().notes()).orElse(null));
    }

    private String detail(Kernel kernel, Preparation.Status status, boolean probed) {
        return switch (status.state()) {
            case PREPARING -> kernel.preparation().preparing().map(p -> p.text() + " (step " + p.step() + " of "
                    + p.steps() + ")").orElse("preparing");
            case FAILED -> status.problem() == null ? null : PublicStatus.of(status.problem());
            case READY -> probed ? null : probes.problem(kernel.id()) != null
                    ? "probing what it can do failed, tried again soon: " + PublicStatus.of(probes.problem(kernel.id()))
                    : "probing what it can do";
        };
    }
}
