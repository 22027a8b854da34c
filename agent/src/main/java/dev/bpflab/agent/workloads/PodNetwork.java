package dev.bpflab.agent.workloads;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A pod's place on the lab network, made the way a container network plugin makes one: a network namespace
 * {@code bpflab-<pod>} whose {@code eth0} is one end of a veth pair; the other end, named after the pod, stays in
 * the agent's namespace with the pod's gateway address, where a small "service" listens on {@value #SERVICE_PORT}
 * for the one connection the pod makes. Each pod has its own link-local /30 ({@code 169.254.78.0/30} for the
 * first pod, {@code .4/30} for the second, …): nothing here reaches any other network.
 *
 * <p>Fixed names and addresses mean one pod of a name per machine at a time: in the guest there is one agent, but
 * on a development host two local runs could start the same pod, so a lock file under {@code /run} makes the second
 * wait (at most {@value #LOCK_WAIT_SECONDS} s). Anything a dead agent left under the same name is removed first.
 * {@link #close()} deletes the namespace, and with it both ends of the pair.
 */
final class PodNetwork implements AutoCloseable {
    static final int SERVICE_PORT = 7780;
    static final String POD_INTERFACE = "eth0";
    private static final int LOCK_WAIT_SECONDS = 15;
    private static final int ACCEPT_WAIT_MILLIS = 8_000;
    private static final int MAX_GREETING = 128;
    private static final Path NETNS_DIR = Path.of("/run/netns");
    private static final Path ROOT = Path.of("/");
    /** Two threads of one JVM cannot both hold a file lock on one file: they take turns here first. */
    private static final ConcurrentHashMap<String, ReentrantLock> IN_THIS_AGENT = new ConcurrentHashMap<>();

    private final String pod;
    private final String hostAddress;
    private final String podAddress;
    private final ReentrantLock threadLock;
    private final FileChannel lockFile;
    private final FileLock machineLock;
    private ServerSocket service;
    private CompletableFuture<Optional<Greeting>> greeting;

    /** What the service heard: the address the connection came from and the first line sent on it. */
    record Greeting(String from, String said) {
    }

    private PodNetwork(String pod, int index, ReentrantLock threadLock, FileChannel lockFile, FileLock machineLock) {
        this.pod = pod;
        this.hostAddress = "169.254.78." + (4 * index + 1);
        this.podAddress = "169.254.78." + (4 * index + 2);
        this.threadLock = threadLock;
        this.lockFile = lockFile;
        this.machineLock = machineLock;
    }

    /**
     * Takes the pod's turn on this machine and sets up its namespace, link, addresses and service.
     * @param pod   the pod's name, also its host-side interface name (at most 15 characters)
     * @param index which /30 of 169.254.78.0/24 is the pod's (0 to 63)
     * @throws WorkloadException if another run holds this pod for longer than the wait, or iproute2 fails
     */
    static PodNetwork open(String pod, int index) throws WorkloadException {
        if (pod.length() > 15 || index < 0 || index > 63) {
            throw new IllegalArgumentException("pod " + pod + " index " + index);
        }
        ReentrantLock threadLock = IN_THIS_AGENT.computeIfAbsent(pod, p -> new ReentrantLock());
        try {
            if (!threadLock.tryLock(LOCK_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new WorkloadException(pod + " is still running from an earlier request; try again when it ends");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkloadException(pod + " was interrupted while waiting for its turn");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(Path.of("/run/bpflab-" + pod + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock = waitForLock(channel, pod);
            PodNetwork network = new PodNetwork(pod, index, threadLock, channel, lock);
            try {
                network.setUp();
            } catch (WorkloadException | RuntimeException e) {
                network.close();
                throw e;
            }
            return network;
        } catch (IOException e) {
            closeQuietly(channel);
            threadLock.unlock();
            throw new WorkloadException("cannot take " + pod + "'s turn on this machine: " + e.getMessage());
        } catch (WorkloadException e) {
            if (channel != null && channel.isOpen()) { // failed before the network owned it
                closeQuietly(channel);
                threadLock.unlock();
            }
            throw e;
        }
    }

    private static FileLock waitForLock(FileChannel channel, String pod) throws IOException, WorkloadException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LOCK_WAIT_SECONDS);
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() > deadline) {
                throw new WorkloadException(pod + " is running in another run on this machine (a development host "
                        + "shares its network between runs); try again in a few seconds");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WorkloadException(pod + " was interrupted while waiting for its turn");
            }
        }
    }

    /** The network namespace's name; the pod's script enters {@code /run/netns/<this>}. */
    String namespace() {
        return "bpflab-" + pod;
    }

    Path namespacePath() {
        return NETNS_DIR.resolve(namespace());
    }

    String podAddress() {
        return podAddress;
    }

    /** Where the pod connects: the gateway address and port, {@code 169.254.78.1:7780}. */
    String service() {
        return hostAddress + ":" + SERVICE_PORT;
    }

    private void setUp() throws WorkloadException {
        String ip = VethPair.ipCommand();
        if (Files.exists(namespacePath())) {
            Commands.run(ROOT, ip, "netns", "del", namespace()); // left by an agent that died mid-pod
        }
        waitUntilGone();
        // Two ip processes instead of eight: each process start costs tens of milliseconds in an emulated guest.
        String here = "netns add " + namespace() + "\n"
                + "link add " + pod + " type veth peer name " + POD_INTERFACE + " netns " + namespace() + "\n"
                + "addr add " + hostAddress + "/30 dev " + pod + "\n"
                + "link set " + pod + " up\n";
        String inside = "addr add " + podAddress + "/30 dev " + POD_INTERFACE + "\n"
                + "link set " + POD_INTERFACE + " up\n"
                + "link set lo up\n";
        batch(ip, here, "-batch", "-");
        batch(ip, inside, "-n", namespace(), "-batch", "-");
        try {
            service = new ServerSocket();
            service.setReuseAddress(true);
            service.bind(new InetSocketAddress(InetAddress.getByName(hostAddress), SERVICE_PORT), 1);
            service.setSoTimeout(ACCEPT_WAIT_MILLIS);
        } catch (IOException e) {
            throw new WorkloadException("the pod's service could not listen on " + service() + ": " + e.getMessage());
        }
        greeting = CompletableFuture.supplyAsync(this::answerOnce, runnable -> {
            Thread t = new Thread(runnable, "bpflab-" + pod + "-service");
            t.setDaemon(true);
            t.start();
        });
    }

    private static void batch(String ip, String commands, String... args) throws WorkloadException {
        String[] argv = new String[args.length + 1];
        argv[0] = ip;
        System.arraycopy(args, 0, argv, 1, args.length);
        var result = Commands.resultWithStdin(ROOT, commands, argv);
        if (result.exitCode() != 0) {
            throw new WorkloadException("could not set up the pod's network (" + String.join(" ", argv) + " with "
                    + commands.strip().replace('\n', ';') + "): " + result.stdout().strip());
        }
    }

    /** Accepts the pod's one connection, reads its greeting line and answers it; empty if none came in time. */
    private Optional<Greeting> answerOnce() {
        try (Socket client = service.accept()) {
            client.setSoTimeout(ACCEPT_WAIT_MILLIS);
            String from = client.getInetAddress().getHostAddress();
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII),
                    MAX_GREETING);
            char[] buffer = new char[MAX_GREETING];
            int n = in.read(buffer);
            String said = n <= 0 ? "" : new String(buffer, 0, n).strip();
            OutputStream out = client.getOutputStream();
            out.write(("hello " + pod + ", this is the lab\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return Optional.of(new Greeting(from, said.replaceAll("[^ -~]", "?")));
        } catch (IOException e) { // including the accept's timeout: no pod came
            return Optional.empty();
        }
    }

    /** What the service heard, once the pod has ended; empty if the pod never connected. */
    Optional<Greeting> heard() {
        try {
            return greeting.get(ACCEPT_WAIT_MILLIS + 1_000L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private void waitUntilGone() throws WorkloadException {
        if (!VethPair.interfaceGoneWithin(pod, 3_000)) {
            if (Thread.currentThread().isInterrupted()) {
                throw new WorkloadException(pod + " was interrupted");
            }
            throw new WorkloadException("the interface " + pod + " exists outside any pod; remove it with: ip link del "
                    + pod);
        }
    }

    /** Stops the service, deletes the namespace (both veth ends go with it) and gives the pod's turn back. */
    @Override
    public void close() {
        try {
            if (service != null) {
                service.close();
            }
        } catch (IOException ignored) {
            // closing a listening socket fails only if it is already closed
        }
        try {
            if (Files.exists(namespacePath())) {
                Commands.run(ROOT, VethPair.ipCommand(), "netns", "del", namespace());
                waitUntilGone();
            }
        } catch (WorkloadException e) {
            System.err.println("bpflab: could not remove " + pod + "'s network: " + e.getMessage());
        } finally {
            try {
                machineLock.release();
            } catch (IOException ignored) {
                // the channel's close below releases it too
            }
            closeQuietly(lockFile);
            threadLock.unlock();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to keep: the lock goes with the channel
            }
        }
    }
}
