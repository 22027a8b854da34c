package dev.bpflab.agent.workloads;

import java.nio.file.Path;

/** Creates the veth pair XDP programs attach to, if this agent has not yet; sends nothing. */
final class VethSetup implements Workload {
    @Override
    public String name() {
        return "veth-setup";
    }

    @Override
    public String description() {
        return "create the veth pair " + VethPair.INTERFACE + " (" + VethPair.HOST_ADDRESS + ") / " + VethPair.PEER + " ("
                + VethPair.PEER_ADDRESS + ", in its own network namespace)";
    }

    @Override
    public String run(Path scratch) throws WorkloadException {
        String ifname = VethPair.ensure();
        return ifname + " " + VethPair.HOST_ADDRESS + " <-> " + VethPair.PEER + " " + VethPair.PEER_ADDRESS + " in netns "
                + VethPair.namespace();
    }
}
