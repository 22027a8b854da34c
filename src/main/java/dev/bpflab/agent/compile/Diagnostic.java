package dev.bpflab.agent.compile;

/** One compiler or verifier complaint, at a line and column of the learner's own source (1-based; 0 = unknown). */
public record Diagnostic(int line, int column, String severity, String message) {
}
