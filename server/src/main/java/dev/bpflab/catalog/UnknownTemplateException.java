package dev.bpflab.catalog;

/** No template has the requested id. */
public class UnknownTemplateException extends RuntimeException {
    public UnknownTemplateException(String id, Iterable<String> known) {
        super("no template named '" + TemplateParam.printable(String.valueOf(id)) + "'; known templates: " + String.join(", ", known));
    }
}
