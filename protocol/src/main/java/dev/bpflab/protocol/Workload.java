package dev.bpflab.protocol;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The named actions that make the kernel fire inside a sandbox ({@code {"type":"workload","name":…}}). A client
 * only ever sends a name; the agent runs a fixed argv for it, never a command of the client's. Adding one means a
 * constant here and its action in the agent's {@code workloads} package (a test keeps the two in step).
 */
public enum Workload {
    CREATE_FILE("create-file", "touch a new file: fires openat (O_CREAT)"),
    WRITE_FILE("write-file", "write 64 bytes to a file: fires openat and write"),
    READ_FILE("read-file", "read a file: fires openat and read"),
    READ_1M("read-1m", "read a file 1 MiB at a time (dd bs=1M): read() asks for 1048576 bytes"),
    CHMOD_FILE("chmod-file", "chmod 600 a file: fires fchmodat"),
    CHOWN_FILE("chown-file", "chown nobody a file: fires fchownat"),
    UNLINK_FILE("unlink-file", "rm a file: fires unlinkat"),
    EXEC_TRUE("exec-true", "run /bin/true: fires execve"),
    UNLINK_PROTECTED("unlink-protected",
            "rm a file named bpflab-protected.txt: fires unlinkat and the LSM hook inode_unlink"),
    VETH_SETUP("veth-setup",
            "create the veth pair bpflab0 (169.254.77.1) / bpflab1 (169.254.77.2, in its own network namespace)"),
    VETH_TRAFFIC("veth-traffic", "from 169.254.77.2 to 169.254.77.1 through bpflab0: 3 pings, 3 UDP datagrams to "
            + "port 7777, a TCP connect to port 7778 (XDP sees them)"),
    RUN_DEMO("run-demo", "run /usr/local/bin/bpflab-demo 3 bpflab: each round r calls greet(\"bpflab\", r) and "
            + "square(r) and fires the USDT probe bpflab:round (uprobes, uretprobes and usdt see them)"),
    POD_ALPHA("pod-alpha", "start the \"pod\" pod-alpha (its own PID, mount, UTS, network and cgroup namespaces, "
            + "hostname pod-alpha, cgroup bpflab-pods/pod-alpha): it writes pod-alpha.txt and runs rm on it"),
    POD_BETA("pod-beta", "start the \"pod\" pod-beta (its own PID, mount, UTS, network and cgroup namespaces, "
            + "hostname pod-beta, cgroup bpflab-pods/pod-beta): it writes pod-beta.txt and runs rm on it");

    private final String wireName;
    private final String description;

    Workload(String wireName, String description) {
        this.wireName = wireName;
        this.description = description;
    }

    /** The name a client sends, e.g. "unlink-file". */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** One line for buttons and the API, e.g. "rm a file: fires unlinkat". */
    public String description() {
        return description;
    }

    public static Optional<Workload> fromWire(String name) {
        return Arrays.stream(values()).filter(w -> w.wireName.equals(name)).findFirst();
    }

    /** Every name, in catalog order. */
    public static List<String> names() {
        return Arrays.stream(values()).map(Workload::wireName).toList();
    }
}
