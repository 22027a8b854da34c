package dev.bpflab.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * What an agent writes, one JSON object per line (docs/run-contract.md, "Agent → server"). Untrusted: it comes from
 * a VM where the learner's program runs. The server decodes each line with {@link RunJson#agent}, which bounds and
 * checks every field; only {@link Ready} and {@link Warm} stay between server and agent, the rest are
 * {@link ServerMessage}s the browser gets.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = AgentMessage.Ready.class, name = "ready"),
    @JsonSubTypes.Type(value = AgentMessage.Warm.class, name = "warm"),
    @JsonSubTypes.Type(value = ServerMessage.Phase.class, name = "phase"),
    @JsonSubTypes.Type(value = ServerMessage.Diagnostics.class, name = "diagnostics"),
    @JsonSubTypes.Type(value = ServerMessage.Event.class, name = "event"),
    @JsonSubTypes.Type(value = ServerMessage.Printk.class, name = "printk"),
    @JsonSubTypes.Type(value = ServerMessage.MapSnapshot.class, name = "map"),
    @JsonSubTypes.Type(value = ServerMessage.Dropped.class, name = "dropped"),
    @JsonSubTypes.Type(value = ServerMessage.Error.class, name = "error"),
    @JsonSubTypes.Type(value = ServerMessage.WorkloadResult.class, name = "workload"),
    @JsonSubTypes.Type(value = ServerMessage.IteratorOutput.class, name = "iterator_output"),
    @JsonSubTypes.Type(value = ServerMessage.MapWritten.class, name = "map_written"),
    @JsonSubTypes.Type(value = ServerMessage.LoadedPrograms.class, name = "loaded_programs")
})
public sealed interface AgentMessage permits AgentMessage.Ready, AgentMessage.Warm, ServerMessage.Phase,
        ServerMessage.Diagnostics, ServerMessage.Event, ServerMessage.Printk, ServerMessage.MapSnapshot,
        ServerMessage.Dropped, ServerMessage.Error, ServerMessage.WorkloadResult, ServerMessage.IteratorOutput,
        ServerMessage.MapWritten, ServerMessage.LoadedPrograms {

    /** The agent is warm and waits for its one {@link AgentCommand.Start}; {@code kernel} is the kernel's release. */
    @JsonTypeName("ready")
    record Ready(String kernel) implements AgentMessage {
    }

    /** The agent ran its built-in warm-up program ({@link AgentCommand.Warmup}) in {@code ms} milliseconds. */
    @JsonTypeName("warm")
    record Warm(long ms) implements AgentMessage {
    }
}
