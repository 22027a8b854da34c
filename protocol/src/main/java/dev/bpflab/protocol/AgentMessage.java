package dev.bpflab.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an agent writes, one JSON object per line (docs/run-contract.md, "Agent → server"). Untrusted: it comes from
 * a VM where the learner's program runs. The server decodes each line with {@link RunJson#agent}, which bounds and
 * checks every field; only {@link Ready}, {@link Warm} and {@link Features} stay between server and agent, the rest are
 * {@link ServerMessage}s the browser gets.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = AgentMessage.Ready.class, name = "ready"),
    @JsonSubTypes.Type(value = AgentMessage.Warm.class, name = "warm"),
    @JsonSubTypes.Type(value = AgentMessage.Features.class, name = "features"),
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
public sealed interface AgentMessage permits AgentMessage.Ready, AgentMessage.Warm, AgentMessage.Features,
        ServerMessage.Phase,
        ServerMessage.Diagnostics, ServerMessage.Event, ServerMessage.Printk, ServerMessage.MapSnapshot,
        ServerMessage.Dropped, ServerMessage.Error, ServerMessage.WorkloadResult, ServerMessage.IteratorOutput,
        ServerMessage.MapWritten, ServerMessage.LoadedPrograms {

    /** The agent is warm and waits for its one {@link AgentCommand.Start}; {@code kernel} is the kernel's release. */
    @JsonTypeName("ready")
    record Ready(String kernel) implements AgentMessage {
    }

    /**
     * What the kernel can do, as the agent probed it ({@link AgentCommand.Probe}). Untrusted like every agent line,
     * so checked whole: {@code features} maps every {@link KernelFeature#wire()} name, and only those, to true or
     * false; {@code notes} (may be empty) maps some of those names to why a probe said no (at most
     * {@link #MAX_NOTE_CHARS} characters each, clipped beyond). Both keep {@link KernelFeature}'s order.
     */
    @JsonTypeName("features")
    record Features(Map<String, Boolean> features, Map<String, String> notes) implements AgentMessage {
        /** The longest note kept: one sentence such as "attach failed: EPERM (the kernel is in lockdown?)". */
        public static final int MAX_NOTE_CHARS = 300;

        public Features {
            Checks.require(features != null, "\"features\" must map each of " + wires() + " to true or false");
            Map<String, Boolean> checked = new LinkedHashMap<>();
            for (KernelFeature feature : KernelFeature.values()) {
                Boolean has = features.get(feature.wire());
                Checks.require(has != null, "\"features\" lacks \"" + feature.wire() + "\": it maps each of " + wires()
                        + " to true or false");
                checked.put(feature.wire(), has);
            }
            Checks.require(features.size() == checked.size(), "\"features\" has names other than " + wires() + ": "
                    + Checks.echo(String.valueOf(features.keySet())));
            Map<String, String> checkedNotes = new LinkedHashMap<>();
            if (notes != null) {
                for (KernelFeature feature : KernelFeature.values()) {
                    String note = notes.get(feature.wire());
                    if (note != null) {
                        checkedNotes.put(feature.wire(), Checks.clip(note, MAX_NOTE_CHARS));
                    }
                }
                Checks.require(notes.size() == checkedNotes.size(), "\"notes\" may only name features of " + wires()
                        + " (each with a string): was " + Checks.echo(String.valueOf(notes.keySet())));
            }
            features = Collections.unmodifiableMap(checked);
            notes = Collections.unmodifiableMap(checkedNotes);
        }

        /** From what each feature's probe found: {@code has}, and for some, why not. */
        public static Features of(Map<KernelFeature, Boolean> has, Map<KernelFeature, String> why) {
            Map<String, Boolean> features = new LinkedHashMap<>();
            has.forEach((feature, value) -> features.put(feature.wire(), value));
            Map<String, String> notes = new LinkedHashMap<>();
            why.forEach((feature, note) -> notes.put(feature.wire(), note));
            return new Features(features, notes);
        }

        /** Whether the probe found {@code feature}. */
        public boolean has(KernelFeature feature) {
            return features.get(feature.wire());
        }

        private static java.util.List<String> wires() {
            return Arrays.stream(KernelFeature.values()).map(KernelFeature::wire).toList();
        }
    }

    /** The agent ran its built-in warm-up program ({@link AgentCommand.Warmup}) in {@code ms} milliseconds. */
    @JsonTypeName("warm")
    record Warm(long ms) implements AgentMessage {
    }
}
