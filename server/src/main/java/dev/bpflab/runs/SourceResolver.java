package dev.bpflab.runs;

import dev.bpflab.protocol.ClientMessage;

/** Turns a run message into the C source to run: its "source", or a template rendered with "params". */
interface SourceResolver {

    /** @throws IllegalArgumentException with a message for the learner when there is nothing runnable */
    String resolve(ClientMessage.Run run);

    /**
     * The workload that makes template {@code template}'s program fire (its {@code workload}), empty for a template it
     * does not know or one without a workload. A resolver without a template catalogue knows none.
     */
    default java.util.Optional<dev.bpflab.protocol.Workload> templateWorkload(String template) {
        return java.util.Optional.empty();
    }
}
