package dev.bpflab.agent.workloads;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The catalog of named workloads. Adding one means adding a line here; clients only ever send a name. */
public final class Workloads {
    private static final Map<String, Workload> BY_NAME = new LinkedHashMap<>();

    static {
        add(new FileWorkload(dev.bpflab.protocol.Workload.CREATE_FILE, false,
                f -> new String[] {"touch", f.toString()}));
        add(new FileWorkload(dev.bpflab.protocol.Workload.WRITE_FILE, false,
                f -> new String[] {"dd", "if=/dev/zero", "of=" + f, "bs=64", "count=1", "status=none"}));
        add(new FileWorkload(dev.bpflab.protocol.Workload.READ_FILE, true,
                f -> new String[] {"cat", f.toString()}));
        // dd asks read() for exactly bs bytes, whatever the coreutils version (cat's buffer size changes between them).
        add(new FileWorkload(dev.bpflab.protocol.Workload.READ_1M, true,
                f -> new String[] {"dd", "if=" + f, "of=/dev/null", "bs=1M", "status=none"}));
        add(new FileWorkload(dev.bpflab.protocol.Workload.CHMOD_FILE, true,
                f -> new String[] {"chmod", "600", f.toString()}));
        add(new FileWorkload(dev.bpflab.protocol.Workload.CHOWN_FILE, true,
                f -> new String[] {"chown", "65534:65534", f.toString()}));
        add(new FileWorkload(dev.bpflab.protocol.Workload.UNLINK_FILE, true,
                f -> new String[] {"rm", "-f", f.toString()}));
        add(new FileWorkload(dev.bpflab.protocol.Workload.EXEC_TRUE, false,
                f -> new String[] {"/bin/true", "bpflab"}));
        add(new UnlinkProtected());
        add(new VethSetup());
        add(new VethTraffic());
        add(new RunDemo());
        add(new PodWorkload(dev.bpflab.protocol.Workload.POD_ALPHA, 0));
        add(new PodWorkload(dev.bpflab.protocol.Workload.POD_BETA, 1));
    }

    private Workloads() {
    }

    static void add(Workload workload) {
        BY_NAME.put(workload.name(), workload);
    }

    public static Optional<Workload> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The action of a workload of the contract; every one has one (a test keeps the two in step). */
    public static Workload of(dev.bpflab.protocol.Workload kind) {
        Workload workload = BY_NAME.get(kind.wireName());
        if (workload == null) {
            throw new IllegalStateException("workload " + kind.wireName() + " has no action in the agent");
        }
        return workload;
    }

    public static Collection<Workload> all() {
        return Collections.unmodifiableCollection(BY_NAME.values());
    }

    /**
     * Undoes what workloads left outside the run's scratch directory (the veth pair, the pods' cgroups); call when
     * the agent exits.
     */
    public static void cleanup() {
        VethPair.cleanup();
        PodWorkload.cleanup();
    }
}
