package dev.bpflab.limits;

/** A client went over one of its budgets; the message says which, how much is allowed and what to do. */
public class LimitException extends Exception {
    public LimitException(String message) {
        super(message);
    }
}
