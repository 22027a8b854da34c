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

    /**
     * An {@code xdpInterface} names the sandbox's own lab interface ({@value AgentCommand#DEFAULT_XDP_INTERFACE}, a
     * veth pair inside the sandbox) or nothing: XDP on any other interface would filter real traffic (with the local
     * backend, the host's).
     */
    static void labInterface(String xdpInterface) {
        require(xdpInterface == null || xdpInterface.equals(AgentCommand.DEFAULT_XDP_INTERFACE),
                "\"xdpInterface\" may only be \"" + AgentCommand.DEFAULT_XDP_INTERFACE + "\", the sandbox's own lab "
                        + "interface (leave it out for the same); was " + echo(xdpInterface));
    }

    static String clip(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max - 1) + "…";
    }

    /** A client's text quoted back in an error ({@link Echo}). */
    static String echo(String value) {
        return Echo.of(value);
    }
}
