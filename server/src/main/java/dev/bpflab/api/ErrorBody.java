package dev.bpflab.api;

/** The body of every REST error: {@code {"message": "…"}}, one sentence or two meant for a person. */
public record ErrorBody(String message) {
}
