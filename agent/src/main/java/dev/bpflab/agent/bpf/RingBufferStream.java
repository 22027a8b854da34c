package dev.bpflab.agent.bpf;

import com.sun.jna.Pointer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Polls every ring buffer map of an object on one dedicated thread and hands decoded records to a sink.
 * Owns the native ring_buffer manager and the callback libbpf calls; {@link #close()} stops and frees both.
 */
public final class RingBufferStream implements AutoCloseable {
    /** A sample callback's negative return ends ring_buffer__consume with that value (libbpf ringbuf.c). */
    private static final int STOP = -4; // -EINTR: PollLoop treats it as "go on", and then sees it is closing
    private final Pointer manager;
    private final LibBpf.RingBufferSampleFn[] callbacks; // strong references while libbpf may call them
    private final PollLoop poller;

    private RingBufferStream(Pointer manager, LibBpf.RingBufferSampleFn[] callbacks, AtomicReference<PollLoop> poller)
            throws BpfException {
        this.manager = manager;
        this.callbacks = callbacks;
        this.poller = new PollLoop("ringbuf-poller", LibBpf.INSTANCE.ring_buffer__epoll_fd(manager),
                () -> LibBpf.INSTANCE.ring_buffer__consume(manager));
        poller.set(this.poller);
    }

    /** Returns null when the object has no ring buffer. */
    public static RingBufferStream start(BpfObject object, List<BpfMap> ringBuffers, EventSink sink) throws BpfException {
        if (ringBuffers.isEmpty()) {
            return null;
        }
        RecordDecoder decoder = new RecordDecoder(object);
        LibBpf.RingBufferSampleFn[] callbacks = new LibBpf.RingBufferSampleFn[ringBuffers.size()];
        AtomicReference<PollLoop> poller = new AtomicReference<>();
        Pointer manager = null;
        for (int i = 0; i < ringBuffers.size(); i++) {
            String name = ringBuffers.get(i).name();
            callbacks[i] = (ctx, data, size) -> {
                PollLoop loop = poller.get();
                if (loop != null && loop.closing()) {
                    return STOP; // libbpf stops consuming and returns, so close() can free the manager
                }
                try {
                    Map<String, Long> enums = new LinkedHashMap<>();
                    sink.event(name, decoder.decode(data.getByteArray(0, (int) size), enums), enums);
                } catch (Throwable ignored) {
                    // Never let an exception cross into libbpf; a record that cannot be decoded is dropped.
                    sink.dropped(1);
                }
                return 0;
            };
            int fd = ringBuffers.get(i).fd();
            if (manager == null) {
                manager = LibBpf.INSTANCE.ring_buffer__new(fd, callbacks[i], null, null);
                if (manager == null) {
                    throw new BpfException("could not open ring buffer " + name + ": "
                            + Errno.describe(com.sun.jna.Native.getLastError()));
                }
            } else {
                int err = LibBpf.INSTANCE.ring_buffer__add(manager, fd, callbacks[i], null);
                if (err < 0) {
                    LibBpf.INSTANCE.ring_buffer__free(manager);
                    throw new BpfException("could not open ring buffer " + name + ": " + Errno.describe(-err));
                }
            }
        }
        try {
            return new RingBufferStream(manager, callbacks, poller);
        } catch (BpfException e) {
            LibBpf.INSTANCE.ring_buffer__free(manager);
            throw e;
        }
    }

    @Override
    public void close() {
        if (poller.stop()) {
            LibBpf.INSTANCE.ring_buffer__free(manager);
        }
    }
}
