package dev.bpflab.lessons;

/** A lesson in workshop-material/ is malformed; the message names the file and what to fix. */
public class LessonCatalogException extends RuntimeException {
    public LessonCatalogException(String message) {
        super(message);
    }

    public LessonCatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
