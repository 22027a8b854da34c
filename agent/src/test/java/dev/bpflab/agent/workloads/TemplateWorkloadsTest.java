package dev.bpflab.agent.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

/**
 * The workloads the XDP, LSM and uprobe templates need, run for real (as root) with no program loaded: traffic
 * crosses the veth pair and is answered, the protected file is removed, the demo program runs its rounds, and nothing
 * is left behind.
 */
// Needs root and this machine's kernel, clang and ip: the "kernel" tier (left out by ./mvnw -Pfast).
@Tag("kernel")
class TemplateWorkloadsTest {
    @TempDir
    Path scratch;

    @AfterEach
    void cleanUp() {
        Workloads.cleanup();
    }

    @Test
    void vethTrafficCrossesThePairAndTheNamespaceGoesAwayAtCleanup() throws Exception {
        Workload traffic = Workloads.byName("veth-traffic").orElseThrow();
        String detail = traffic.run(scratch);
        assertTrue(detail.contains("ping: 3 sent, 3 answered"), detail);
        assertTrue(detail.contains("udp: 3 datagrams sent to port 7777"), detail);
        assertTrue(detail.contains("tcp: connect to port 7778 refused"), detail);
        assertTrue(Files.exists(Path.of("/sys/class/net", VethPair.INTERFACE)));
        assertEquals(detail, traffic.run(scratch), "a second run reuses the pair");

        Workloads.cleanup();
        assertFalse(Files.exists(Path.of("/run/netns", VethPair.namespace())), "namespace removed");
        assertFalse(Files.exists(Path.of("/sys/class/net", VethPair.INTERFACE)), "veth removed with it");
    }

    @Test
    void vethSetupMakesTheInterfaceXdpAttachesTo() throws Exception {
        String detail = Workloads.byName("veth-setup").orElseThrow().run(scratch);
        assertTrue(detail.startsWith("bpflab0 169.254.77.1 <-> bpflab1 169.254.77.2 in netns bpflab-"), detail);
        assertEquals("up", Files.readString(Path.of("/sys/class/net/bpflab0/operstate")).strip());
    }

    @Test
    void runDemoRunsTheDemoProgramThatUprobeTemplatesNameForItsBoundedRounds() throws Exception {
        String detail = Workloads.byName("run-demo").orElseThrow().run(scratch);
        assertEquals("/usr/local/bin/bpflab-demo 3 bpflab: round 1: hello, bpflab; round 2: hello, bpflab; "
                + "round 3: hello, bpflab", detail, "the demo is installed by bin/install-deps");
    }

    @Test
    void unlinkProtectedReportsWhatHappenedToTheFile() throws Exception {
        String detail = Workloads.byName("unlink-protected").orElseThrow().run(scratch);
        assertEquals("rm -f " + scratch.resolve("bpflab-protected.txt") + ": removed (nothing denied it)", detail);
        assertFalse(Files.exists(scratch.resolve("bpflab-protected.txt")));
    }

    @Test
    void twoPodsRunAtOnceEachWithItsHostnameCgroupPidOneAndConnectionAndLeaveNothingBehind() throws Exception {
        Workload alpha = Workloads.byName("pod-alpha").orElseThrow();
        Workload beta = Workloads.byName("pod-beta").orElseThrow();
        CompletableFuture<Workload.Outcome> first = CompletableFuture
                .supplyAsync(() -> {
                    try {
                        return alpha.perform(scratch);
                    } catch (WorkloadException e) {
                        throw new IllegalStateException(e);
                    }
                });
        Workload.Outcome b = beta.perform(scratch);
        Workload.Outcome a = first.get();
        assertEquals("pod-alpha", a.facts().get("hostname"), a.detail());
        assertEquals("pod-beta", b.facts().get("hostname"), b.detail());
        assertEquals(1L, a.facts().get("ns_pid"), "the pod's first process is PID 1 inside: " + a.detail());
        assertTrue((Long) a.facts().get("host_pid") > 1, a.detail());
        assertTrue((Long) a.facts().get("cgroup_id") > 1, a.detail());
        assertFalse(a.facts().get("cgroup_id").equals(b.facts().get("cgroup_id")), "one cgroup per pod");
        assertTrue(a.detail().contains(scratch.resolve("pod-alpha.txt") + " and ran /usr/bin/rm -f"), a.detail());
        assertFalse(Files.exists(scratch.resolve("pod-alpha.txt")), "rm inside the pod removed it");
        assertFalse(Files.exists(PodWorkload.cgroupV2Root().orElseThrow().resolve((String) a.facts().get("cgroup")
                .toString().substring(1))), "the pod's cgroup is removed once it ends");
        assertFalse(InetAddress.getLocalHost().getHostName().startsWith("pod-"),
                "the hostname changed only inside the pod");
        assertEquals("169.254.78.2", a.facts().get("pod_ip"), a.detail());
        assertEquals("169.254.78.6", b.facts().get("pod_ip"), b.detail());
        assertEquals("169.254.78.1:7780", a.facts().get("service"), a.detail());
        assertTrue(a.detail().contains("connected from 169.254.78.2 (its eth0) to the lab's service at "
                + "169.254.78.1:7780, said \"hello from pod-alpha\" and was answered"), a.detail());
        assertTrue(b.detail().contains("said \"hello from pod-beta\" and was answered"), b.detail());
        for (String gone : List.of("/run/netns/bpflab-pod-alpha", "/run/netns/bpflab-pod-beta",
                "/sys/class/net/pod-alpha", "/sys/class/net/pod-beta")) {
            assertFalse(Files.exists(Path.of(gone)), gone + " is removed once the pod ends");
        }
    }

    @Test
    void aPodStartedTwiceAtOnceTakesTurnsOnItsNetwork() throws Exception {
        Workload alpha = Workloads.byName("pod-alpha").orElseThrow();
        CompletableFuture<Workload.Outcome> first = CompletableFuture.supplyAsync(() -> {
            try {
                return alpha.perform(scratch);
            } catch (WorkloadException e) {
                throw new IllegalStateException(e);
            }
        });
        Workload.Outcome second = alpha.perform(scratch);
        assertEquals("169.254.78.2", second.facts().get("pod_ip"), second.detail());
        assertEquals("169.254.78.2", first.get().facts().get("pod_ip"), first.get().detail());
    }
}
