package dev.bpflab.protocol;

/** The small checks the messages' constructors make; a failed one is a {@link IllegalArgumentException} for the sender. */
final class Checks {
    private Checks() {
    }

    static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException(problem);
        }
    }

    static String present(String value, String problem) {
        require(value != null && !value.isBlank(), problem);
        return value;
    }

    static String clip(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max - 1) + "…";
    }

    /** A client's text quoted back in an error ({@link Echo}). */
    static String echo(String value) {
        return Echo.of(value);
    }
}
