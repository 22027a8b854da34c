package dev.bpflab.agent.workloads;

import dev.bpflab.support.process.Executables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The network the XDP templates run on: a veth pair whose end {@value #INTERFACE} (address {@value #HOST_ADDRESS})
 * stays in the agent's network namespace, where XDP programs are attached, while its peer {@value #PEER}
 * ({@value #PEER_ADDRESS}) lives in a network namespace this agent creates and owns, {@code bpflab-<agent pid>}.
 * Traffic sent from inside that namespace arrives on {@value #INTERFACE}, so XDP sees it. The addresses are
 * link-local: nothing here can reach any other network. Deleting the namespace deletes both ends.
 */
public final class VethPair {
    /** The interface XDP programs attach to. */
    public static final String INTERFACE = "bpflab0";
    public static final String PEER = "bpflab1";
    public static final String HOST_ADDRESS = "169.254.77.1";
    public static final String PEER_ADDRESS = "169.254.77.2";
    private static final String PREFIX_LENGTH = "/30";
    private static final String NAMESPACE_PREFIX = "bpflab-";
    private static final Path NETNS_DIR = Path.of("/run/netns");
    private static final Path ROOT = Path.of("/");

    private static boolean cleanupHookAdded;

    private VethPair() {
    }

    /** The network namespace owned by this agent process. */
    public static String namespace() {
        return NAMESPACE_PREFIX + ProcessHandle.current().pid();
    }

    /**
     * Creates the pair unless this agent already did; a pair left behind by an agent that died is removed first.
     * @return the name of the interface to attach XDP programs to
     * @throws WorkloadException if a live agent owns the pair, or iproute2 is missing or fails
     */
    public static synchronized String ensure() throws WorkloadException {
        String namespace = namespace();
        if (Files.exists(NETNS_DIR.resolve(namespace)) && interfaceExists()) {
            return INTERFACE;
        }
        removeLeftovers();
        // a deleted namespace takes its veth ends with it, but the kernel does that a moment later
        if (!interfaceGoneWithin(3_000)) {
            throw new WorkloadException(INTERFACE + " exists but belongs to no bpflab namespace; remove it with: ip link del "
                    + INTERFACE);
        }
        if (!cleanupHookAdded) {
            Runtime.getRuntime().addShutdownHook(new Thread(VethPair::cleanup, "bpflab-veth-cleanup"));
            cleanupHookAdded = true;
        }
        String ip = ipCommand();
        try {
            Commands.run(ROOT, ip, "netns", "add", namespace);
            Commands.run(ROOT, ip, "link", "add", INTERFACE, "type", "veth", "peer", "name", PEER, "netns", namespace);
            Commands.run(ROOT, ip, "addr", "add", HOST_ADDRESS + PREFIX_LENGTH, "dev", INTERFACE);
            Commands.run(ROOT, ip, "link", "set", INTERFACE, "up");
            Commands.run(ROOT, ip, "-n", namespace, "addr", "add", PEER_ADDRESS + PREFIX_LENGTH, "dev", PEER);
            Commands.run(ROOT, ip, "-n", namespace, "link", "set", PEER, "up");
            Commands.run(ROOT, ip, "-n", namespace, "link", "set", "lo", "up");
        } catch (WorkloadException e) {
            cleanup();
            throw new WorkloadException("could not set up the veth pair " + INTERFACE + "/" + PEER + ": " + e.getMessage());
        }
        waitUntilUp();
        return INTERFACE;
    }

    /** Removes this agent's namespace and with it both ends of the pair. Safe to call any time, any number of times. */
    public static synchronized void cleanup() {
        Path mine = NETNS_DIR.resolve(namespace());
        if (Files.exists(mine)) {
            try {
                Commands.run(ROOT, ipCommand(), "netns", "del", namespace());
                interfaceGoneWithin(2_000);
            } catch (WorkloadException e) {
                System.err.println("bpflab: could not delete network namespace " + namespace() + ": " + e.getMessage());
            }
        }
    }

    private static void removeLeftovers() throws WorkloadException {
        if (!Files.isDirectory(NETNS_DIR)) {
            return;
        }
        List<String> ours;
        try (Stream<Path> entries = Files.list(NETNS_DIR)) {
            ours = entries.map(p -> p.getFileName().toString()).filter(n -> n.matches(NAMESPACE_PREFIX + "[0-9]+")).toList();
        } catch (java.io.IOException e) {
            throw new WorkloadException("cannot list " + NETNS_DIR + ": " + e.getMessage());
        }
        for (String name : ours) {
            long owner = Long.parseLong(name.substring(NAMESPACE_PREFIX.length()));
            boolean alive = owner != ProcessHandle.current().pid() && ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false);
            if (alive) {
                throw new WorkloadException(INTERFACE + " is in use by another run (agent pid " + owner
                        + "); XDP runs on one machine take turns");
            }
            Commands.run(ROOT, ipCommand(), "netns", "del", name);
        }
    }

    private static boolean interfaceExists() {
        return Files.exists(Path.of("/sys/class/net", INTERFACE));
    }

    private static boolean interfaceGoneWithin(long millis) {
        return interfaceGoneWithin(INTERFACE, millis);
    }

    /**
     * Whether the network interface {@code name} is gone within {@code millis}: a deleted namespace takes its veth
     * ends with it, but the kernel does that a moment later. False if it is still there, or the wait was interrupted.
     */
    static boolean interfaceGoneWithin(String name, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (Files.exists(Path.of("/sys/class/net", name))) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static void waitUntilUp() throws WorkloadException {
        Path state = Path.of("/sys/class/net", INTERFACE, "operstate");
        long deadline = System.nanoTime() + 3_000_000_000L;
        try {
            while (System.nanoTime() < deadline) {
                if (Files.exists(state) && Files.readString(state).strip().equals("up")) {
                    return;
                }
                Thread.sleep(20);
            }
        } catch (java.io.IOException e) {
            throw new WorkloadException("cannot read " + state + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new WorkloadException(INTERFACE + " did not come up within 3 s");
    }

    /** iproute2's ip; agents started without /usr/sbin in PATH still find it. */
    static String ipCommand() throws WorkloadException {
        return Executables.find("ip").map(Path::toString).orElseThrow(() -> new WorkloadException(
                "the ip command is missing: install the Debian package iproute2"));
    }
}
