package dev.bpflab.api;

import dev.bpflab.protocol.Workload;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.List;

/** The named actions a run can fire ({@code {"type":"workload","name":…}} on /ws/run), from the run contract. */
@Path("/api/workloads")
public class WorkloadsResource {

    public record WorkloadInfo(String name, String description) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<WorkloadInfo> list() {
        return Arrays.stream(Workload.values()).map(w -> new WorkloadInfo(w.wireName(), w.description())).toList();
    }
}
