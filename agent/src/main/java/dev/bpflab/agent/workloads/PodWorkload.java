package dev.bpflab.agent.workloads;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts a short-lived "pod": the script {@value #SCRIPT} (a resource of this package) joins a cgroup of its own,
 * enters a network namespace of its own on the lab network ({@link PodNetwork}), unshares PID, mount, UTS and
 * cgroup namespaces and takes the pod's name as hostname; its first process (PID 1 inside) connects over TCP to
 * the lab's service, writes {@code <name>.txt} and runs {@code /usr/bin/rm -f} on it. No container engine: these
 * are the kernel parts every engine uses, so an eBPF program sees the pod's processes as the kernel does.
 *
 * <p>The answer's facts say what a grader compares events with: {@code hostname}, {@code cgroup_id} (the inode
 * number of the pod's cgroup v2 directory, which is what {@code bpf_get_current_cgroup_id()} returns inside it),
 * {@code ns_pid} and {@code host_pid} (the pod's first process inside its PID namespace and outside),
 * {@code pod_ip} (the pod's eth0 address) and {@code service} (the address and port it connected to). Two pods of
 * different names may run at once: each has its own cgroup directory, network and file.
 */
final class PodWorkload implements Workload {
    static final String SCRIPT = "bpflab-pod";
    static final String RM = "/usr/bin/rm";
    /** perl-base: in every Debian system, guest and host alike. */
    static final String PERL = "/usr/bin/perl";
    /** The parent of this agent's pod cgroups, under the cgroup v2 root; removed when the agent exits. */
    private static final String PODS_CGROUP = "bpflab-pods-" + ProcessHandle.current().pid();
    private static final Pattern LINE = Pattern.compile("(hostname|ns_pid|host_pid|answered)=([A-Za-z0-9-]{1,63})");

    private final dev.bpflab.protocol.Workload kind;
    private final int index;

    /** @param index which of the lab network's pod subnets is this pod's ({@link PodNetwork}); one per pod */
    PodWorkload(dev.bpflab.protocol.Workload kind, int index) {
        this.kind = kind;
        this.index = index;
    }

    @Override
    public dev.bpflab.protocol.Workload kind() {
        return kind;
    }

    @Override
    public String run(Path scratch) throws WorkloadException {
        return perform(scratch).detail();
    }

    @Override
    public Outcome perform(Path scratch) throws WorkloadException {
        String name = kind.wireName();
        Path cgroupRoot = cgroupV2Root().orElseThrow(() -> new WorkloadException(
                "no cgroup v2 filesystem is mounted here, so a pod cannot have a cgroup of its own"));
        Path cgroup = cgroupRoot.resolve(PODS_CGROUP).resolve(name);
        Path file = scratch.resolve(name + ".txt");
        long cgroupId;
        String connection;
        String podAddress;
        String service;
        Map<String, String> said;
        // The network holds the pod's turn (one pod of a name at a time): its cgroup is made and removed inside it.
        try (PodNetwork network = PodNetwork.open(name, index)) {
            try {
                Files.createDirectories(cgroup);
                cgroupId = (Long) Files.getAttribute(cgroup, "unix:ino");
            } catch (IOException | UnsupportedOperationException e) {
                throw new WorkloadException("could not make the pod's cgroup " + cgroup + ": " + e.getMessage());
            }
            try {
                said = parse(Commands.run(scratch, PERL, script(scratch).toString(), name, cgroup.toString(),
                        network.namespacePath().toString(), network.service(), file.toString()));
            } finally {
                removeQuietly(cgroup); // empty again: the pod's processes have all exited
            }
            podAddress = network.podAddress();
            service = network.service();
            PodNetwork.Greeting heard = network.heard().orElseThrow(() -> new WorkloadException(name
                    + " ran, but the lab's service at " + service + " heard nothing from it"));
            if (!heard.from().equals(podAddress) || !"yes".equals(said.get("answered"))) {
                throw new WorkloadException(name + "'s connection to " + service + " came from " + heard.from()
                        + ", not its own address " + podAddress + ", or got no answer (answered: "
                        + said.get("answered") + ")");
            }
            connection = "it connected from " + podAddress + " (its eth0) to the lab's service at " + service
                    + ", said \"" + heard.said() + "\" and was answered; ";
        }
        String cgroupPath = "/" + PODS_CGROUP + "/" + name;
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("hostname", said.get("hostname"));
        facts.put("cgroup_id", cgroupId);
        facts.put("cgroup", cgroupPath);
        facts.put("ns_pid", Long.parseLong(said.get("ns_pid")));
        facts.put("host_pid", Long.parseLong(said.get("host_pid")));
        facts.put("pod_ip", podAddress);
        facts.put("service", service);
        // The page shows the workload's name before its detail: the detail does not repeat it.
        String detail = "hostname " + said.get("hostname") + ", cgroup " + cgroupPath + " (id " + cgroupId
                + "); its first process is PID " + said.get("ns_pid") + " inside the pod and " + said.get("host_pid")
                + " outside; " + connection + "it wrote " + file + " and ran " + RM + " -f " + file;
        return new Outcome(detail, facts);
    }

    /** The "name=value" lines the script prints; all three must be there. */
    private static Map<String, String> parse(String output) throws WorkloadException {
        Map<String, String> said = new LinkedHashMap<>();
        for (String line : output.lines().toList()) {
            Matcher m = LINE.matcher(line.strip());
            if (m.matches()) {
                said.put(m.group(1), m.group(2));
            }
        }
        for (String key : List.of("hostname", "ns_pid", "host_pid")) {
            if (!said.containsKey(key) || (!key.equals("hostname") && !said.get(key).matches("[0-9]{1,10}"))) {
                throw new WorkloadException(SCRIPT + " did not say its " + key + "; it printed: " + output);
            }
        }
        return said;
    }

    /**
     * The script, written into the run's directory once (two pods starting at once share it): written under another
     * name and renamed, so perl never reads half of it. Perl is given the script rather than the kernel executing it:
     * a file this JVM has just written may still be open for writing in a child another thread is spawning, and
     * exec(2) of it then fails with ETXTBSY.
     */
    private static synchronized Path script(Path scratch) throws WorkloadException {
        Path script = scratch.resolve(SCRIPT);
        if (Files.isRegularFile(script)) {
            return script;
        }
        try (InputStream in = PodWorkload.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new WorkloadException("the agent was built without " + SCRIPT);
            }
            Path partial = scratch.resolve(SCRIPT + ".partial");
            Files.write(partial, in.readAllBytes());
            Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-------"));
            return Files.move(partial, script, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new WorkloadException("could not write " + script + ": " + e.getMessage());
        }
    }

    /**
     * Where the cgroup v2 hierarchy is mounted: {@code /sys/fs/cgroup} on current systems and in the guest,
     * {@code /sys/fs/cgroup/unified} on a host with the hybrid layout (cgroup v1 controllers beside it).
     */
    static Optional<Path> cgroupV2Root() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("cgroup2")) {
                    return Optional.of(Path.of(f[1]));
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Removes the cgroups this agent's pods had; call when the agent exits. */
    static void cleanup() {
        cgroupV2Root().ifPresent(root -> {
            Path pods = root.resolve(PODS_CGROUP);
            for (dev.bpflab.protocol.Workload kind : dev.bpflab.protocol.Workload.values()) {
                removeQuietly(pods.resolve(kind.wireName()));
            }
            removeQuietly(pods);
        });
    }

    /** rmdir: a cgroup directory is removed empty, whatever control files it lists. */
    private static void removeQuietly(Path cgroup) {
        try {
            Files.deleteIfExists(cgroup);
        } catch (IOException ignored) {
            // still busy or already gone: the agent's exit tries again
        }
    }
}
