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
        add(new FileWorkload("create-file", "touch a new file: fires openat (O_CREAT)", false,
                f -> new String[] {"touch", f.toString()}));
        add(new FileWorkload("write-file", "write 64 bytes to a file: fires openat and write", false,
                f -> new String[] {"dd", "if=/dev/zero", "of=" + f, "bs=64", "count=1", "status=none"}));
        add(new FileWorkload("read-file", "read a file: fires openat and read", true,
                f -> new String[] {"cat", f.toString()}));
        // dd asks read() for exactly bs bytes, whatever the coreutils version (cat's buffer size changes between them).
        add(new FileWorkload("read-1m", "read a file 1 MiB at a time (dd bs=1M): read() asks for 1048576 bytes", true,
                f -> new String[] {"dd", "if=" + f, "of=/dev/null", "bs=1M", "status=none"}));
        add(new FileWorkload("chmod-file", "chmod 600 a file: fires fchmodat", true,
                f -> new String[] {"chmod", "600", f.toString()}));
        add(new FileWorkload("chown-file", "chown nobody a file: fires fchownat", true,
                f -> new String[] {"chown", "65534:65534", f.toString()}));
        add(new FileWorkload("unlink-file", "rm a file: fires unlinkat", true,
                f -> new String[] {"rm", "-f", f.toString()}));
        add(new FileWorkload("exec-true", "run /bin/true: fires execve", false,
                f -> new String[] {"/bin/true", "bpflab"}));
        add(new UnlinkProtected());
        add(new VethSetup());
        add(new VethTraffic());
    }

    private Workloads() {
    }

    static void add(Workload workload) {
        BY_NAME.put(workload.name(), workload);
    }

    public static Optional<Workload> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    public static Collection<Workload> all() {
        return Collections.unmodifiableCollection(BY_NAME.values());
    }

    /** Undoes what workloads left outside the run's scratch directory (the veth pair); call when the agent exits. */
    public static void cleanup() {
        VethPair.cleanup();
    }
}
