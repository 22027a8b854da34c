package dev.bpflab.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * What the server tells an agent, one JSON object per line (docs/run-contract.md, "Server → agent"). An agent serves
 * one {@link Start}, then exits.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = AgentCommand.Start.class, name = "run"),
    @JsonSubTypes.Type(value = AgentCommand.Workload.class, name = "workload"),
    @JsonSubTypes.Type(value = AgentCommand.Warmup.class, name = "warmup"),
    @JsonSubTypes.Type(value = AgentCommand.Stop.class, name = "stop")
})
public sealed interface AgentCommand {
    String DEFAULT_XDP_INTERFACE = "bpflab0";

    /**
     * Compile, load, attach and stream {@code source}; stop after {@code timeoutSeconds}.
     *
     * @param globals      {@code const volatile} globals to set before load (checked as in {@link ClientMessage.Run})
     * @param xdpInterface where XDP programs attach (null: the lab's veth, {@value #DEFAULT_XDP_INTERFACE})
     * @param printk       whether to stream {@code bpf_printk} lines (null: yes)
     */
    @JsonTypeName("run")
    record Start(String source, int timeoutSeconds,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> globals, String xdpInterface, Boolean printk)
            implements AgentCommand {
        public Start {
            Checks.present(source, "the run has no source: send the C program in \"source\"");
            Checks.require(timeoutSeconds >= 1, "\"timeoutSeconds\" is 1 or more");
            globals = globals == null ? Map.of() : Map.copyOf(globals);
        }

        @JsonIgnore
        public String xdpInterfaceOrDefault() {
            return xdpInterface == null || xdpInterface.isBlank() ? DEFAULT_XDP_INTERFACE : xdpInterface;
        }

        @JsonIgnore
        public boolean printkOrDefault() {
            return printk == null || printk;
        }
    }

    /** Fire a workload; answered with {@link ServerMessage.WorkloadResult}. */
    @JsonTypeName("workload")
    record Workload(dev.bpflab.protocol.Workload name) implements AgentCommand {
        public Workload {
            Checks.require(name != null, "\"name\" must be one of " + dev.bpflab.protocol.Workload.names());
        }
    }

    /** Run the agent's built-in program once with its output thrown away (before a VM snapshot); answered with Warm. */
    @JsonTypeName("warmup")
    record Warmup() implements AgentCommand {
    }

    /** Detach, report phase stopped, exit. End of input means the same. */
    @JsonTypeName("stop")
    record Stop() implements AgentCommand {
    }
}
