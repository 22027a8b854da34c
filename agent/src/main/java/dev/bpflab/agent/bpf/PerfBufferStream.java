package dev.bpflab.agent.bpf;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Streams one BPF_MAP_TYPE_PERF_EVENT_ARRAY map (bpf_perf_event_output), as older tools and cilium/ebpf examples use.
 * Owns the native perf_buffer, its two callbacks and its poller thread.
 */
public final class PerfBufferStream implements AutoCloseable {
    private static final int PAGES_PER_CPU = 64;

    private final Pointer buffer;
    private final LibBpf.PerfBufferSampleFn sample; // strong references while libbpf may call them
    private final LibBpf.PerfBufferLostFn lost;
    private final PollLoop poller;

    private PerfBufferStream(Pointer buffer, LibBpf.PerfBufferSampleFn sample, LibBpf.PerfBufferLostFn lost, String name)
            throws BpfException {
        this.buffer = buffer;
        this.sample = sample;
        this.lost = lost;
        this.poller = new PollLoop("perfbuf-" + name, LibBpf.INSTANCE.perf_buffer__epoll_fd(buffer),
                () -> LibBpf.INSTANCE.perf_buffer__consume(buffer));
    }

    public static PerfBufferStream start(BpfObject object, BpfMap map, EventSink sink) throws BpfException {
        RecordDecoder decoder = new RecordDecoder(object);
        String name = map.name();
        LibBpf.PerfBufferSampleFn sample = (ctx, cpu, data, size) -> {
            try {
                Map<String, Long> enums = new LinkedHashMap<>();
                sink.event(name, decoder.decode(data.getByteArray(0, size), enums), enums);
            } catch (Throwable ignored) {
                sink.dropped(1); // never let an exception cross into libbpf
            }
        };
        LibBpf.PerfBufferLostFn lost = (ctx, cpu, count) -> {
            try {
                sink.dropped(count);
            } catch (Throwable ignored) {
                // nothing to do: the count is lost with it
            }
        };
        Pointer buffer = LibBpf.INSTANCE.perf_buffer__new(map.fd(), PAGES_PER_CPU, sample, lost, null, null);
        if (buffer == null) {
            throw new BpfException("could not open perf buffer " + name + ": " + Errno.describe(Native.getLastError()));
        }
        try {
            return new PerfBufferStream(buffer, sample, lost, name);
        } catch (BpfException e) {
            LibBpf.INSTANCE.perf_buffer__free(buffer);
            throw e;
        }
    }

    @Override
    public void close() {
        if (poller.stop()) {
            LibBpf.INSTANCE.perf_buffer__free(buffer);
        }
    }
}
