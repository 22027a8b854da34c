package dev.bpflab.agent.bpf;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import dev.bpflab.support.threads.Daemons;
import java.util.function.IntSupplier;

/**
 * A daemon thread that sleeps until libbpf's epoll descriptor for a buffer ({@code ring_buffer__epoll_fd},
 * {@code perf_buffer__epoll_fd}) has records, consumes them ({@code ring_buffer__consume}, {@code perf_buffer__consume})
 * and sleeps again, until closed. It waits with poll(2) on that descriptor and on an eventfd of its own, with no
 * timeout: {@link #stop()} writes the eventfd. An idle run therefore never wakes it, which matters under TCG, where every
 * wake-up of an emulated guest costs host CPU and a class keeps dozens of attached, idle runs (a timed poll woke four
 * times a second). After each consume it waits {@value #GATHER_MS} ms for records to gather, so a stream of records
 * wakes it at most 50 times a second, whatever their rate: the first record of a burst is consumed at once.
 *
 * <p>The caller frees the native buffer only when {@link #stop()} says the thread has ended: freeing it under a running
 * consume (a callback still decoding a record) crashes the JVM. A ring buffer's callback also stops consuming once the
 * stream is closing (under a flood a single consume could otherwise go on for as long as records keep coming).
 */
final class PollLoop implements AutoCloseable {
    private static final int EINTR = 4;
    private static final long JOIN_MS = 10_000;
    private static final int EFD_CLOEXEC = 0x80000; // <sys/eventfd.h>, x86_64 (O_CLOEXEC)
    private static final short POLLIN = 0x1;
    // struct pollfd { int fd; short events; short revents; }: 8 bytes, revents at offset 6.
    private static final int POLLFD_SIZE = 8;
    private static final int REVENTS_OFFSET = 6;
    /** After consuming, records gather this long before the next wake-up: at most 50 wake-ups a second. */
    private static final int GATHER_MS = 20;

    private final Thread thread;
    private final int wakeFd;
    private volatile boolean running = true;

    /**
     * Starts the thread.
     *
     * @param epollFd libbpf's epoll descriptor for the buffer (readable when a record is waiting)
     * @param consume consumes every waiting record; returns libbpf's answer (a negative errno on failure)
     * @throws BpfException when no eventfd could be made (the error says why)
     */
    PollLoop(String name, int epollFd, IntSupplier consume) throws BpfException {
        wakeFd = LibC.INSTANCE.eventfd(0, EFD_CLOEXEC);
        if (wakeFd < 0) {
            throw new BpfException("could not make an eventfd for " + name + ": " + Errno.describe(Native.getLastError()));
        }
        thread = Daemons.start(() -> loop(epollFd, consume), name);
    }

    private void loop(int epollFd, IntSupplier consume) {
        try (Memory fds = new Memory(2L * POLLFD_SIZE)) {
            fds.clear();
            fds.setInt(0, epollFd);
            fds.setShort(4, POLLIN);
            fds.setInt(POLLFD_SIZE, wakeFd);
            fds.setShort(POLLFD_SIZE + 4, POLLIN);
            while (running) {
                fds.setShort(REVENTS_OFFSET, (short) 0);
                fds.setShort(POLLFD_SIZE + REVENTS_OFFSET, (short) 0);
                if (LibC.INSTANCE.poll(fds, 2, -1) < 0) {
                    if (Native.getLastError() == EINTR) {
                        continue;
                    }
                    return;
                }
                if (!running || fds.getShort(POLLFD_SIZE + REVENTS_OFFSET) != 0) {
                    return; // stop() wrote the eventfd
                }
                if (fds.getShort(REVENTS_OFFSET) != 0) {
                    int n = consume.getAsInt();
                    if (n < 0 && n != -EINTR) {
                        return;
                    }
                    // Then let records gather for a moment (a stop still ends the wait). A program on every syscall
                    // would otherwise wake this thread for each record, and each wake-up's own poll(2) is a syscall
                    // that makes the next record, and the guest would never rest.
                    LibC.INSTANCE.poll(fds.share(POLLFD_SIZE), 1, GATHER_MS);
                }
            }
        }
    }

    /** Whether close() was called: callbacks return early once it is. */
    boolean closing() {
        return !running;
    }

    /**
     * Stops polling and waits for the thread to end, up to {@link #JOIN_MS}.
     *
     * @return true when the thread has ended and the native buffer may be freed; false when it is still inside
     *         libbpf (the caller then leaks the buffer: the agent exits after its one run, a crash would lose it)
     */
    boolean stop() {
        running = false;
        // eventfd(2): a write of an 8-byte counter value makes it readable, which ends the thread's poll.
        byte[] one = {1, 0, 0, 0, 0, 0, 0, 0}; // 1, little-endian (x86_64)
        LibC.INSTANCE.write(wakeFd, one, one.length);
        try {
            thread.join(JOIN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean ended = !thread.isAlive();
        if (ended) {
            LibC.INSTANCE.close(wakeFd);
        }
        return ended;
    }

    @Override
    public void close() {
        stop();
    }
}
