package dev.bpflab.catalog;

/** A text shown to learners, in Spanish (the talk's language) and English. */
public record LocalizedText(String es, String en) {
}
