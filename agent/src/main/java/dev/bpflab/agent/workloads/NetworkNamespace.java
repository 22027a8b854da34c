package dev.bpflab.agent.workloads;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.bpflab.support.threads.Daemons;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs Java code inside a named network namespace (one made by {@code ip netns add}) without any external tool:
 * a fresh thread moves itself into the namespace with setns(2), which affects only that thread, so every socket
 * it opens lives there. The thread ends with the task, and the rest of the JVM never leaves its own namespace.
 */
final class NetworkNamespace {
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;

    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int open(String path, int flags) throws LastErrorException;

        int setns(int fd, int nstype) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private NetworkNamespace() {
    }

    static <T> T run(String namespace, long timeoutMillis, Callable<T> task) throws WorkloadException {
        String path = "/run/netns/" + namespace;
        FutureTask<T> future = new FutureTask<>(() -> {
            int fd = LibC.INSTANCE.open(path, O_RDONLY | O_CLOEXEC);
            try {
                LibC.INSTANCE.setns(fd, CLONE_NEWNET);
            } finally {
                LibC.INSTANCE.close(fd);
            }
            return task.call();
        });
        Thread thread = Daemons.start(future, "bpflab-netns-" + namespace);
        try {
            return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            thread.interrupt();
            throw new WorkloadException("traffic in " + namespace + " did not finish within " + timeoutMillis + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof LastErrorException lastError) {
                throw new WorkloadException("cannot enter network namespace " + namespace + ": " + lastError.getMessage());
            }
            throw new WorkloadException("traffic in " + namespace + " failed: " + cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkloadException("interrupted while sending traffic in " + namespace);
        } catch (LinkageError e) {
            throw new WorkloadException("cannot call setns through JNA: " + e.getMessage());
        }
    }
}
