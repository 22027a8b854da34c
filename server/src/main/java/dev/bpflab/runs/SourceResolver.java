package dev.bpflab.runs;

import dev.bpflab.protocol.ClientMessage;

/** Turns a run message into the C source to run: its "source", or a template rendered with "params". */
interface SourceResolver {

    /** @throws IllegalArgumentException with a message for the learner when there is nothing runnable */
    String resolve(ClientMessage.Run run);
}
