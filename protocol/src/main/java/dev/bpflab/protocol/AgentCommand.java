package dev.bpflab.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * What the server tells an agent, one JSON object per line (docs/run-contract.md, "Server → agent"). An agent serves
 * one {@link Start}, then exits. The server compiles; an agent only loads the object it is sent. Map writes
 * ({@link ClientMessage.MapUpdate}, {@link ClientMessage.MapDelete}) are the browser's, sent on as they are: the agent
 * checks them again, and answers each with one {@link ServerMessage.MapWritten}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = AgentCommand.Start.class, name = "run"),
    @JsonSubTypes.Type(value = AgentCommand.Workload.class, name = "workload"),
    @JsonSubTypes.Type(value = AgentCommand.Warmup.class, name = "warmup"),
    @JsonSubTypes.Type(value = AgentCommand.Stop.class, name = "stop"),
    @JsonSubTypes.Type(value = AgentCommand.ReadIterator.class, name = "read_iterator"),
    @JsonSubTypes.Type(value = AgentCommand.Probe.class, name = "probe"),
    @JsonSubTypes.Type(value = ClientMessage.MapUpdate.class, name = "map_update"),
    @JsonSubTypes.Type(value = ClientMessage.MapDelete.class, name = "map_delete"),
    @JsonSubTypes.Type(value = ClientMessage.ReadLoaded.class, name = "read_loaded")
})
public sealed interface AgentCommand permits AgentCommand.Start, AgentCommand.Workload, AgentCommand.Warmup,
        AgentCommand.Stop, AgentCommand.ReadIterator, AgentCommand.Probe, ClientMessage.MapUpdate, ClientMessage.MapDelete,
        ClientMessage.ReadLoaded {
    String DEFAULT_XDP_INTERFACE = "bpflab0";
    /** The name the learner's source has in the object's BTF line info (and so in the verifier's log). */
    String SOURCE_FILE = "prog.bpf.c";
    /** The largest object a run or warm-up carries: the compiler's file size limit. */
    int MAX_OBJECT_BYTES = 16 * 1024 * 1024;
    /** The largest minimal CO-RE BTF a run or warm-up carries (they are kilobytes). */
    int MAX_CORE_BTF_BYTES = 1024 * 1024;

    /**
     * Load, attach and stream {@code object}, compiled by the server from {@code source}; stop after
     * {@code timeoutSeconds}.
     *
     * @param source       the learner's C, which the verifier's complaints are placed on
     * @param object       the BPF ELF object (base64 on the wire), at most {@link #MAX_OBJECT_BYTES}
     * @param globals      {@code const volatile} globals to set before load (checked as in {@link ClientMessage.Run})
     * @param xdpInterface where XDP programs attach: only the lab's veth, {@value #DEFAULT_XDP_INTERFACE} (null: the
     *                     same); the agent refuses any other before loading anything
     * @param printk       whether to stream {@code bpf_printk} lines (null: yes)
     * @param coreBtf      the target kernel's BTF cut down to the types the object's CO-RE relocations use (raw BTF,
     *                     base64 on the wire, at most {@link #MAX_CORE_BTF_BYTES}); null: libbpf reads the kernel's
     */
    @JsonTypeName("run")
    record Start(String source, byte[] object, int timeoutSeconds,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> globals, String xdpInterface, Boolean printk,
            @JsonInclude(JsonInclude.Include.NON_NULL) byte[] coreBtf)
            implements AgentCommand {
        public Start {
            Checks.present(source, "the run has no source: send the C program in \"source\"");
            checkObject(object);
            checkCoreBtf(coreBtf);
            Checks.require(timeoutSeconds >= 1, "\"timeoutSeconds\" is 1 or more");
            Checks.labInterface(xdpInterface);
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

        // A record compares arrays by reference; two runs of the same object are equal.
        @Override
        public boolean equals(Object other) {
            return other instanceof Start that && source.equals(that.source) && Arrays.equals(object, that.object)
                    && timeoutSeconds == that.timeoutSeconds && globals.equals(that.globals)
                    && Objects.equals(xdpInterface, that.xdpInterface) && Objects.equals(printk, that.printk)
                    && Arrays.equals(coreBtf, that.coreBtf);
        }

        @Override
        public int hashCode() {
            return Objects.hash(source, Arrays.hashCode(object), timeoutSeconds, globals, xdpInterface, printk,
                    Arrays.hashCode(coreBtf));
        }

        @Override
        public String toString() {
            return "Start[" + object.length + " byte object, timeoutSeconds=" + timeoutSeconds + "]";
        }
    }

    private static void checkCoreBtf(byte[] coreBtf) {
        Checks.require(coreBtf == null || coreBtf.length <= MAX_CORE_BTF_BYTES, "\"coreBtf\" is "
                + (coreBtf == null ? 0 : coreBtf.length) + " bytes; the limit is " + MAX_CORE_BTF_BYTES);
    }

    private static void checkObject(byte[] object) {
        Checks.require(object != null && object.length > 0, "\"object\" must hold the compiled BPF object (base64)");
        Checks.require(object.length <= MAX_OBJECT_BYTES, "\"object\" is " + object.length + " bytes; the limit is "
                + MAX_OBJECT_BYTES);
    }

    /** Fire a workload; answered with {@link ServerMessage.WorkloadResult}. */
    @JsonTypeName("workload")
    record Workload(dev.bpflab.protocol.Workload name) implements AgentCommand {
        public Workload {
            Checks.require(name != null, "\"name\" must be one of " + dev.bpflab.protocol.Workload.names());
        }
    }

    /**
     * Load, attach and exercise {@code object} once with the output thrown away, so a VM saved afterwards holds an
     * agent whose load and stream paths already ran; answered with Warm. It does not count as the agent's one run.
     * {@code coreBtf} as in {@link Start}.
     */
    @JsonTypeName("warmup")
    record Warmup(byte[] object, @JsonInclude(JsonInclude.Include.NON_NULL) byte[] coreBtf) implements AgentCommand {
        public Warmup {
            checkObject(object);
            checkCoreBtf(coreBtf);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Warmup that && Arrays.equals(object, that.object) && Arrays.equals(coreBtf, that.coreBtf);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(object) + Arrays.hashCode(coreBtf);
        }

        @Override
        public String toString() {
            return "Warmup[" + object.length + " byte object]";
        }
    }

    /**
     * Read every attached iterator program again (a fresh iterator each): answered with one
     * {@link ServerMessage.IteratorOutput} per iterator program, numbered {@code read}; the first read (1) is made
     * by the agent itself when it attaches.
     */
    @JsonTypeName("read_iterator")
    record ReadIterator() implements AgentCommand {
    }

    /**
     * Probe what the kernel can do ({@link KernelFeature}), by loading and attaching minimal programs, creating maps
     * and reading the kernel's BTF, never from its version; answered with one {@link AgentMessage.Features}, after
     * which the agent exits as after a run. Sent instead of a {@link Start}: a probe is the agent's one job.
     */
    @JsonTypeName("probe")
    record Probe() implements AgentCommand {
    }

    /** Detach, report phase stopped, exit. End of input means the same. */
    @JsonTypeName("stop")
    record Stop() implements AgentCommand {
    }
}
