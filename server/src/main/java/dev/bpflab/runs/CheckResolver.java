package dev.bpflab.runs;

import dev.bpflab.lessons.StepCheck;
import dev.bpflab.protocol.ClientMessage;

/** Turns a check message into what to grade: a lesson step's check, or a program template's promise. */
interface CheckResolver {

    /** @throws IllegalArgumentException with a message for the learner when there is nothing to check */
    StepCheck resolve(ClientMessage.Check check);
}
