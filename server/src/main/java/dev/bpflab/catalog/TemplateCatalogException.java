package dev.bpflab.catalog;

/** The catalog directory or one of its templates is broken (a bug in bpf-templates/, not in the learner's input). */
public class TemplateCatalogException extends RuntimeException {
    public TemplateCatalogException(String message) {
        super(message);
    }

    public TemplateCatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
