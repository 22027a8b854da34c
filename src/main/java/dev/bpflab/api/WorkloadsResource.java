package dev.bpflab.api;

import dev.bpflab.agent.workloads.Workload;
import dev.bpflab.agent.workloads.Workloads;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The named actions a run can fire ({@code {"type":"workload","name":…}} on /ws/run). */
@Path("/api/workloads")
public class WorkloadsResource {

    public record WorkloadInfo(String name, String description) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<WorkloadInfo> list() {
        return Workloads.all().stream().map((Workload w) -> new WorkloadInfo(w.name(), w.description())).toList();
    }
}
