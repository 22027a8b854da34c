package dev.bpflab.agent.workloads;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Sends a little traffic through the veth pair, from the peer's namespace to {@link VethPair#INTERFACE}, so an
 * XDP program there sees it: three ICMP echo requests (as root, Java's isReachable sends real pings), three UDP
 * datagrams to {@value #UDP_PORT} and one TCP connection attempt to {@value #TCP_PORT}. A packet dropped by XDP
 * shows as a ping without answer or a TCP connect that times out; that is the effect, not a failure.
 */
final class VethTraffic implements Workload {
    static final int PINGS = 3;
    static final int UDP_PORT = 7777;
    static final int UDP_DATAGRAMS = 3;
    static final int TCP_PORT = 7778;
    private static final int WAIT_MILLIS = 500;

    @Override
    public dev.bpflab.protocol.Workload kind() {
        return dev.bpflab.protocol.Workload.VETH_TRAFFIC;
    }


    @Override
    public String run(Path scratch) throws WorkloadException {
        VethPair.ensure();
        String namespace = VethPair.namespace();
        return NetworkNamespace.run(namespace, 10_000, () -> {
            InetAddress target = InetAddress.getByName(VethPair.HOST_ADDRESS);
            int answered = 0;
            for (int i = 0; i < PINGS; i++) {
                if (target.isReachable(WAIT_MILLIS)) {
                    answered++;
                }
            }
            byte[] payload = "bpflab".getBytes(StandardCharsets.US_ASCII);
            try (DatagramSocket udp = new DatagramSocket()) {
                for (int i = 0; i < UDP_DATAGRAMS; i++) {
                    udp.send(new DatagramPacket(payload, payload.length, target, UDP_PORT));
                }
            }
            return "from " + VethPair.PEER_ADDRESS + " (netns " + namespace + ") to " + VethPair.HOST_ADDRESS + " through "
                    + VethPair.INTERFACE + ": ping: " + PINGS + " sent, " + answered + " answered; udp: " + UDP_DATAGRAMS
                    + " datagrams sent to port " + UDP_PORT + "; tcp: connect to port " + TCP_PORT + " " + tcpAttempt(target);
        });
    }

    private static String tcpAttempt(InetAddress target) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(target, TCP_PORT), WAIT_MILLIS);
            return "accepted";
        } catch (SocketTimeoutException e) {
            return "timed out (no answer)";
        } catch (java.net.ConnectException e) {
            return "refused (the host answered)";
        } catch (IOException e) {
            return "failed: " + e.getMessage();
        }
    }
}
