package dev.bpflab.agent.bpf;

/** The kernel refused to create one of the object's maps (libbpf: "map 'name': failed to create: …"). */
public final class MapCreationException extends BpfException {
    private final String map;
    private final String reason;

    MapCreationException(String map, String reason, String message) {
        super(message);
        this.map = map;
        this.reason = reason;
    }

    /** The map's name, as in its definition {@code } name SEC(".maps")}. */
    public String map() {
        return map;
    }

    /** Why, as libbpf said it, e.g. "Invalid argument(-22)". */
    public String reason() {
        return reason;
    }
}
