package dev.bpflab.agent.workloads;

import java.nio.file.Path;

/** Creates the veth pair XDP programs attach to, if this agent has not yet; sends nothing. */
final class VethSetup implements Workload {
    @Override
    public dev.bpflab.protocol.Workload kind() {
        return dev.bpflab.protocol.Workload.VETH_SETUP;
    }


    @Override
    public String run(Path scratch) throws WorkloadException {
        String ifname = VethPair.ensure();
        return ifname + " " + VethPair.HOST_ADDRESS + " <-> " + VethPair.PEER + " " + VethPair.PEER_ADDRESS + " in netns "
                + VethPair.namespace();
    }
}
