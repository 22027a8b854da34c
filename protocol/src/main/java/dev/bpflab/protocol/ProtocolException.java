package dev.bpflab.protocol;

/**
 * A message that could not be decoded. {@link #getMessage()} is written for whoever sent it: it names the field and
 * says what to send instead, and repeats at most a few dozen characters of what was sent.
 */
public final class ProtocolException extends Exception {
    public ProtocolException(String message) {
        super(message);
    }
}
