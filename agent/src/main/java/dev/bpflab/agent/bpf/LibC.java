package dev.bpflab.agent.bpf;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** The few libc calls the agent needs that Java lacks. */
interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    /** libbpf hands its print callback a va_list; on x86_64 that is a pointer we can pass straight through. */
    int vsnprintf(byte[] buffer, long size, String format, Pointer vaList);

    int geteuid();

    int if_nametoindex(String name);

    String strerror(int errno);

    /** read(2): bytes read, 0 at the end, -1 with errno set. */
    long read(int fd, byte[] buffer, long count);

    /** write(2): bytes written, -1 with errno set. */
    long write(int fd, byte[] buffer, long count);

    /** poll(2) over {@code nfds} struct pollfd at {@code fds}: how many are ready, 0 on timeout, -1 with errno set. */
    int poll(Pointer fds, long nfds, int timeoutMs);

    /** eventfd(2): a new descriptor, -1 with errno set. */
    int eventfd(int initialValue, int flags);

    int close(int fd);

    /** syscall(2) with a pointer and four integers (perf_event_open): the result, -1 with errno set. */
    long syscall(long number, Pointer attr, int pid, int cpu, int groupFd, long flags);

    /** ioctl(2) with an integer argument: 0 or more, -1 with errno set. */
    int ioctl(int fd, long request, int argument);
}
