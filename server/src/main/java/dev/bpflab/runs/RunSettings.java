package dev.bpflab.runs;

/** Limits of a run, from configuration. */
record RunSettings(int defaultTimeoutSeconds, int maxTimeoutSeconds, int maxMessageBytes) {
}
