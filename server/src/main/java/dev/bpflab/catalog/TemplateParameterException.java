package dev.bpflab.catalog;

/** A parameter value that a template does not accept; the message names the parameter and says what is allowed. */
public class TemplateParameterException extends RuntimeException {
    private final String parameter;

    public TemplateParameterException(String parameter, String problem) {
        super("parameter '" + parameter + "' " + problem);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
